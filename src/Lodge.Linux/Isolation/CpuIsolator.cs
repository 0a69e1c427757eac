using Lodge.Linux.Host;

namespace Lodge.Linux.Isolation;

/// <summary>Limits the host's own units to the housekeeping CPUs while a guest runs, and puts them back.</summary>
/// <remarks>
/// Invariant: if <see cref="ApplyAsync"/> throws a <see cref="HostWriteException"/>, every unit has its previous
/// AllowedCPUs again (or the journal still names what is left for <see cref="RestoreAsync"/>). If the process dies
/// part-way, the journal written before the first change lets <c>lodge rescue</c>, the next start, or the boot unit
/// restore every unit.
/// </remarks>
public sealed class CpuIsolator(ICpuIsolationControl control, CpuIsolationJournal journal, TimeSpan? stepTimeout = null)
{
    // Each D-Bus call to systemd gets 30 s: a busy systemd answers late (lab scenario 10 on 6.12, under load: more than
    // 10 s for system.slice's AllowedCPUs), and a call abandoned at the limit is still carried out later.
    private readonly TimeSpan _timeout = stepTimeout ?? TimeSpan.FromSeconds(30);

    /// <summary>The journal this isolator keeps.</summary>
    public CpuIsolationJournal Journal => journal;

    /// <summary>The transient scope a guest's QEMU moves to before the host's units are limited: <c>lodge-NAME.scope</c> in machine.slice.</summary>
    public static string ScopeOf(string guest) => $"lodge-{guest}.scope";

    /// <summary>Moves the guest's QEMU (<paramref name="guestPid"/>, when given) out of the host's units, records the units' current AllowedCPUs, then limits each to <paramref name="housekeeping"/>.</summary>
    /// <remarks>
    /// The move comes first because a cgroup's cpuset bounds every thread in it: a vCPU pinned to CPU 5 inside a
    /// user.slice limited to CPUs 0-1 runs on 0-1 (seen on this machine's kernel with a scratch cpuset: a thread pinned
    /// to CPU 1 ran on CPU 0 while its cpuset held only 0, and went back to 1 when the cpuset widened). When the move
    /// fails, nothing is limited.
    /// </remarks>
    public async Task ApplyAsync(string guest, IReadOnlyList<string> units, IReadOnlyList<int> housekeeping, CancellationToken cancellationToken = default, int? guestPid = null)
    {
        if (housekeeping.Count == 0)
        {
            throw new ArgumentException("Isolation needs at least one CPU left for the host.", nameof(housekeeping));
        }

        if (guestPid is { } pid)
        {
            await control.MoveToScopeAsync(ScopeOf(guest), pid, _timeout, cancellationToken).ConfigureAwait(false);
        }

        if (!journal.IsClean && !await RestoreAsync(units, cancellationToken).ConfigureAwait(false))
        {
            throw new HostWriteException(HostAction.SetAllowedCpus, journal.Path, $"An earlier isolation in '{journal.Path}' could not be undone, so no new one starts.");
        }

        var previous = new List<(string Unit, IReadOnlyList<int> Previous)>();
        foreach (var unit in units)
        {
            previous.Add((unit, await control.GetAllowedCpusAsync(unit, _timeout, cancellationToken).ConfigureAwait(false)));
        }

        journal.Write(guest, previous);
        try
        {
            foreach (var unit in units)
            {
                // HOST EFFECT: the unit's processes may run only on the housekeeping CPUs until RestoreAsync (or a
                // reboot: the property is a runtime one) gives the recorded value back.
                await control.SetAllowedCpusAsync(unit, housekeeping, _timeout, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (HostWriteException)
        {
            await RestoreAsync(units, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Gives every journaled unit its previous AllowedCPUs and clears the journal; true when nothing is left to undo.</summary>
    /// <param name="fallbackUnits">The units to lift every limit on when the journal is unreadable.</param>
    /// <param name="cancellationToken">Cancels the remaining calls.</param>
    public async Task<bool> RestoreAsync(IReadOnlyList<string> fallbackUnits, CancellationToken cancellationToken = default)
    {
        if (journal.Read() is not { } recorded)
        {
            return true;
        }

        var units = recorded.Units.Count > 0 ? recorded.Units : [.. fallbackUnits.Select(u => (u, (IReadOnlyList<int>)[]))];
        var ok = true;
        foreach (var (unit, previous) in units)
        {
            try
            {
                // HOST EFFECT: undoes ApplyAsync for this unit.
                await control.SetAllowedCpusAsync(unit, previous, _timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (HostWriteException)
            {
                ok = false;
            }
        }

        if (ok)
        {
            journal.Clear();
        }

        return ok;
    }
}
