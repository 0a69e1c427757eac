using Lodge.Core;

namespace Lodge.Linux.Reports;

/// <summary>The outcome database cannot be read: partly overwritten, truncated, or not a database at all.</summary>
/// <remarks>The way out is <c>lodge report repair</c> (the hint says so): it keeps the damaged file, salvages what it
/// can read, and starts a fresh database.</remarks>
public sealed class ReportsDatabaseDamagedException(string path, string detail, Exception? innerException = null)
    : LodgeException($"The outcome database '{path}' is damaged ({detail}).", innerException)
{
    /// <summary>The database file.</summary>
    public string Path { get; } = path;
}
