namespace Lodge.Linux.HugePages;

/// <summary>What the hugepage journal says: the reservations it holds, and why it cannot be believed when it cannot.</summary>
/// <param name="Reservations">Every reservation on a line that passed its checksum.</param>
/// <param name="Damage">A sentence naming the damaged lines or the unreadable file; null when the journal is whole.</param>
public sealed record HugePageJournalReading(IReadOnlyList<HugePageReservation> Reservations, string? Damage);
