using Lodge.Core.Runtime;
using Lodge.Linux.Host;

namespace Lodge.Linux.HugePages;

/// <summary>Adds a guest's hugepages to a pool at start and gives them back at stop, journaling every reservation so that none is forgotten.</summary>
/// <remarks>
/// Invariant: a page Lodge added to a pool is in <see cref="Journal"/> until the pool no longer has it. The reservation is
/// written before the pool grows; it leaves the journal only after the pool was written back. So a failed release at
/// stop, a crash mid-grow or a killed supervisor leave it for the next start, <c>lodge rescue</c>, <c>status</c> and
/// <c>doctor</c>. When <see cref="AllocateAsync"/> throws, the pool has its previous count again, or the journal keeps
/// what is left.
/// </remarks>
public sealed class HugePageAllocator(IHugePageControl control, HugePageJournal journal, TimeSpan? timeout = null)
{
    /// <summary>What to do instead: reserve pages at boot, when memory is not yet fragmented.</summary>
    public const string Fallback = "Reserve 1G pages at boot: set hugepages = \"1G\" in the machine and run 'lodge setup --for NAME --apply', or set hugepages = \"off\".";

    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(60);

    /// <summary>The journal of what Lodge holds.</summary>
    public HugePageJournal Journal => journal;

    /// <summary>Grows the pool by <see cref="HugePageAllocation.Count"/> for <paramref name="guest"/>; returns the count it had before.</summary>
    /// <exception cref="HugePageAllocationException">The kernel gave fewer pages (fragmentation), or the pool could not be written.</exception>
    /// <exception cref="HugePageJournalDamagedException">The journal is damaged, so nothing is reserved until it is checked.</exception>
    public async Task<long> AllocateAsync(string guest, HugePageAllocation pool, CancellationToken cancellationToken = default)
    {
        if (journal.Read().Damage is { } damage)
        {
            throw new HugePageJournalDamagedException(journal.Path, damage);
        }

        var before = control.Read(pool) ?? throw new HugePageAllocationException(pool, $"The hugepage pool '{pool.NrHugePagesPath}' does not exist on this host.");
        var where = pool.Node is { } n ? $"NUMA node {n}" : "the host";
        var reservation = new HugePageReservation(guest, pool, before, null);
        journal.Put(reservation);
        try
        {
            // HOST EFFECT: grows the pool; the journal already names the pages, so whatever happens next gives them back.
            await control.SetAsync(pool, before + pool.Count, _timeout, cancellationToken).ConfigureAwait(false);
            var got = (control.Read(pool) ?? before) - before;
            if (got >= pool.Count)
            {
                journal.Put(reservation with { Held = got });
                return before;
            }

            journal.Put(reservation = reservation with { Held = Math.Max(0, got) });
            var released = await ReleaseAsync(reservation, CancellationToken.None).ConfigureAwait(false);
            throw new HugePageAllocationException(pool, $"Only {got} of {pool.Count} {pool.PageKiB >> 10}M hugepages could be allocated on {where}: its free memory is too fragmented."
                + (released.Error is { } e ? $" Giving them back failed too ({e}); '{journal.Path}' keeps them for 'lodge rescue'." : string.Empty)) { Hint = Fallback };
        }
        catch (HostWriteException e)
        {
            // A grow that timed out may still complete in the kernel: its reservation stays (without a count) until a
            // later release finds the pool at or below its previous size.
            if (e is not HostWriteTimeoutException)
            {
                await ReleaseAsync(reservation, CancellationToken.None).ConfigureAwait(false);
            }

            throw new HugePageAllocationException(pool, $"The hugepages for {where} could not be allocated.", e) { Hint = Fallback };
        }
    }

    /// <summary>Gives back every reservation of <paramref name="guest"/>; the ones that fail stay in the journal.</summary>
    public async Task<IReadOnlyList<HugePageRelease>> ReleaseGuestAsync(string guest, CancellationToken cancellationToken = default) =>
        await ReleaseWhereAsync(r => string.Equals(r.Guest, guest, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);

    /// <summary>Gives back every reservation whose guest is not running (for <c>lodge rescue</c> and the next start).</summary>
    public async Task<IReadOnlyList<HugePageRelease>> ReleaseStaleAsync(Func<string, bool> isRunning, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isRunning);
        return await ReleaseWhereAsync(r => !isRunning(r.Guest), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records pages an older Lodge reserved (state.json only), so that they are released like the others.</summary>
    public void Adopt(string guest, HugePageAllocation pool, long before)
    {
        if (!journal.Read().Reservations.Any(r => r.Guest == guest && r.Pool.NrHugePagesPath == pool.NrHugePagesPath))
        {
            journal.Put(new HugePageReservation(guest, pool, before, pool.Count));
        }
    }

    private async Task<IReadOnlyList<HugePageRelease>> ReleaseWhereAsync(Func<HugePageReservation, bool> which, CancellationToken cancellationToken)
    {
        var reading = journal.Read();
        if (reading.Damage is { } damage)
        {
            throw new HugePageJournalDamagedException(journal.Path, damage);
        }

        // The choice first: deciding may itself release (a stale guest's state being cleaned).
        var chosen = reading.Reservations.Where(which).ToList();
        var results = new List<HugePageRelease>();
        foreach (var reservation in chosen)
        {
            // Each release rewrites the journal (later reservations' "before" shrink): act on the record as it is now,
            // and not at all once it is gone.
            if (journal.Read().Reservations.FirstOrDefault(r => r.SameAs(reservation)) is { } now)
            {
                results.Add(await ReleaseAsync(now, cancellationToken).ConfigureAwait(false));
            }
        }

        return results;
    }

    private async Task<HugePageRelease> ReleaseAsync(HugePageReservation reservation, CancellationToken cancellationToken)
    {
        if (control.Read(reservation.Pool) is not { } current)
        {
            // The pool is gone (its node went offline or the page size is no longer offered): it holds no pages.
            journal.Remove(reservation, 0);
            return new HugePageRelease(reservation, 0, null);
        }

        long target;
        if (reservation is { ReleaseFrom: { } from, ReleaseTo: { } to })
        {
            // An earlier release got as far as its write: a pool no longer at its count then was written (or changed
            // by someone else since), and taking pages again could take another guest's.
            if (current != from)
            {
                journal.Remove(reservation, Math.Max(0, from - to));
                return new HugePageRelease(reservation, 0, null);
            }

            target = to;
        }
        else
        {
            target = reservation.ReleaseTarget(current);
        }

        if (target != current)
        {
            journal.Put(reservation with { ReleaseFrom = current, ReleaseTo = target });
            try
            {
                // HOST EFFECT: gives the guest's pages back to the kernel; the journal keeps them until this succeeds.
                await control.SetAsync(reservation.Pool, target, _timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (HostWriteException e)
            {
                if (e is not HostWriteTimeoutException)
                {
                    // The write surely did not happen: the next release computes its target afresh. (A timed-out write
                    // may still land, so its marks stay.)
                    journal.Put(reservation with { ReleaseFrom = null, ReleaseTo = null });
                }

                return new HugePageRelease(reservation, 0, e.Message);
            }
        }

        journal.Remove(reservation, current - target);
        return new HugePageRelease(reservation, current - target, null);
    }
}
