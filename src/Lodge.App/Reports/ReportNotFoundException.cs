using Lodge.Core;

namespace Lodge.App.Reports;

/// <summary>A report, a machine's attempt or a report file that does not exist.</summary>
public sealed class ReportNotFoundException(string message) : LodgeException(message);
