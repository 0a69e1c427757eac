namespace Lodge.App.Reports;

/// <summary>What <c>lodge report repair</c> did with the outcome database.</summary>
/// <param name="Path">The database.</param>
/// <param name="Existed">Whether there was a database at all.</param>
/// <param name="Kept">Where the damaged database was kept; null when it was not damaged (nothing changed).</param>
/// <param name="Salvaged">How many reports were salvaged into the fresh database.</param>
public sealed record RepairResult(string Path, bool Existed, string? Kept, int Salvaged);
