namespace Lodge.Core.Reports;

/// <summary>A report file that cannot be imported.</summary>
public sealed class ReportFormatException(string message, string source) : LodgeException(message)
{
    public string File { get; } = source;
}
