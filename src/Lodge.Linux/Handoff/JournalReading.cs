namespace Lodge.Linux.Handoff;

/// <summary>One reading of the handoff journal: its readable records, its status, and what was wrong with it.</summary>
/// <param name="Status">Clean, pending, missing or unknown.</param>
/// <param name="Entries">Every record that passed its checksum, in order (records after a damaged line included).</param>
/// <param name="DamagedLines">The 1-based numbers of complete lines that failed their checksum or did not parse.</param>
/// <param name="TornBytes">The length of a torn last record (no newline, no valid checksum): the write that a crash cut.</param>
/// <param name="Reason">Why the status is <see cref="JournalStatus.Unknown"/>, as a sentence; null otherwise.</param>
public sealed record JournalReading(JournalStatus Status, IReadOnlyList<JournalEntry> Entries, IReadOnlyList<int> DamagedLines, int TornBytes, string? Reason)
{
    /// <summary>True when no handoff has steps left to undo (missing or clean).</summary>
    public bool IsClean => Status is JournalStatus.Missing or JournalStatus.Clean;

    /// <summary>The GPU of the last handoff (its <c>plan</c> record), when that record was readable.</summary>
    public string? Gpu => Entries.FirstOrDefault(e => e.Event == JournalEntry.Plan)?.Detail;
}
