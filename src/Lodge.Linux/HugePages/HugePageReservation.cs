using Lodge.Core.Runtime;

namespace Lodge.Linux.HugePages;

/// <summary>Hugepages Lodge added to a pool for one guest, as the hugepage journal records them.</summary>
/// <param name="Guest">The guest they were reserved for.</param>
/// <param name="Pool">The pool and how many pages were asked.</param>
/// <param name="Before">The pool's count before the reservation (less what reservations released since then took).</param>
/// <param name="Held">The pages the reservation really added; null while the grow's outcome is not yet known (written before the write, so a crash leaves it null).</param>
/// <param name="ReleaseFrom">Set just before the release writes: the pool's count then; a crash after the write leaves it, and a pool no longer at this count was already written.</param>
/// <param name="ReleaseTo">The count that release writes.</param>
public sealed record HugePageReservation(string Guest, HugePageAllocation Pool, long Before, long? Held, long? ReleaseFrom = null, long? ReleaseTo = null)
{
    /// <summary>The same guest and pool (a guest reserves from a pool once per start).</summary>
    public bool SameAs(HugePageReservation other) =>
        other is not null && string.Equals(Guest, other.Guest, StringComparison.Ordinal) && string.Equals(Pool.NrHugePagesPath, other.Pool.NrHugePagesPath, StringComparison.Ordinal);

    /// <summary>The pool's count that gives these pages back, given its count now.</summary>
    /// <remarks>With <see cref="Held"/> known, only those pages go (pages another guest or the administrator added stay);
    /// unknown (a crash during the grow), the pool goes back to <see cref="Before"/> if it is above it.</remarks>
    public long ReleaseTarget(long current) => Held is { } held ? Math.Max(0, current - held) : Math.Min(current, Before);

    /// <summary>One line for <c>doctor</c>, <c>status</c> and <c>rescue</c>.</summary>
    public string Describe() =>
        $"{Held?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? $"up to {Pool.Count}"} {(Pool.PageKiB >= 1 << 20 ? $"{Pool.PageKiB >> 20}G" : $"{Pool.PageKiB >> 10}M")} hugepages {(Pool.Node is { } n ? $"on NUMA node {n}" : "in the host's pool")} for '{Guest}'";
}
