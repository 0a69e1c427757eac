using Lodge.Core;

namespace Lodge.Cli.Commands;

/// <summary>A report, a machine's attempt or a report file that does not exist.</summary>
public sealed class ReportNotFoundException(string message) : LodgeException(message);
