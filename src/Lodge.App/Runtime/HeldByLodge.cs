using Lodge.Linux.HugePages;
using Lodge.Linux.Runtime;

namespace Lodge.App.Runtime;

/// <summary>What Lodge still holds on the host outside any guest's state: hugepage reservations, CPU isolation and passed
/// controllers, from their journals.</summary>
/// <param name="HugePages">Every journaled hugepage reservation, with whether its guest still runs.</param>
/// <param name="HugePageDamage">Why the hugepage journal cannot be believed; null when it can.</param>
/// <param name="HugePageJournal">The hugepage journal's path.</param>
/// <param name="IsolatingGuest">The guest whose CPU isolation is journaled (empty when the journal names none); null when none is.</param>
/// <param name="IsolationJournal">The isolation journal's path.</param>
/// <param name="Controllers">Every machine whose controllers journal still shows controllers on vfio-pci (or is damaged).</param>
public sealed record HeldByLodge(
    IReadOnlyList<(HugePageReservation Reservation, bool Running)> HugePages,
    string? HugePageDamage,
    string HugePageJournal,
    string? IsolatingGuest,
    string IsolationJournal,
    IReadOnlyList<HeldControllers> Controllers)
{
    /// <summary>True when Lodge holds nothing (and no journal is damaged).</summary>
    public bool IsEmpty => HugePages.Count == 0 && HugePageDamage is null && IsolatingGuest is null && Controllers.Count == 0;

    /// <summary>Reads the journals of <paramref name="store"/>; a guest "runs" when its state is live.</summary>
    public static HeldByLodge Read(GuestStateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var reading = new HugePageJournal(store.HugePageJournalPath).Read();
        var isolation = store.Isolator().Journal.Read();
        var running = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool Runs(string guest) => running.TryGetValue(guest, out var r) ? r : running[guest] = store.Read(guest) is { } s && GuestStateStore.IsLive(s);
        return new HeldByLodge(
            [.. reading.Reservations.Select(r => (r, Runs(r.Guest)))],
            reading.Damage,
            store.HugePageJournalPath,
            isolation?.Guest,
            store.IsolationJournalPath,
            [.. store.MachinesWithControllers().Select(m => ReadControllers(store, m, Runs(m))).OfType<HeldControllers>()]);
    }

    // What 'lodge rescue' would undo for one machine's controllers (ControllerRescue: a guest that runs keeps them).
    private static HeldControllers? ReadControllers(GuestStateStore store, string machine, bool running)
    {
        var path = store.ControllerJournalPath(machine);
        var reading = new Linux.Handoff.HandoffJournal(path).Inspect();
        if (reading.IsClean)
        {
            return null;
        }

        var devices = reading.Gpu?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var undoes = Linux.Handoff.JournalPending.Steps(reading).Reverse().Select(s => s.Name).ToList();
        var damage = reading.Status == Linux.Handoff.JournalStatus.Unknown ? reading.Reason ?? "it cannot be read." : null;
        return new HeldControllers(machine, running, devices, path, undoes, damage);
    }

    /// <summary>One sentence per thing held, for <c>status</c> and <c>doctor</c>.</summary>
    public IReadOnlyList<string> Sentences()
    {
        var lines = new List<string>();
        foreach (var (reservation, running) in HugePages)
        {
            lines.Add(running
                ? $"Lodge holds {reservation.Describe()}, which is running."
                : $"Lodge still holds {reservation.Describe()}, which is not running; 'lodge rescue' gives them back.");
        }

        if (HugePageDamage is { } damage)
        {
            lines.Add($"{damage} {HugePageJournalDamagedException.HintFor(HugePageJournal)}");
        }

        if (IsolatingGuest is { } guest)
        {
            lines.Add($"The host's units are limited to the housekeeping CPUs{(guest.Length > 0 ? $" for '{guest}'" : string.Empty)} ('{IsolationJournal}'); stopping the guest or 'lodge rescue' gives them every CPU back.");
        }

        lines.AddRange(Controllers.Select(c => c.Sentence()));

        return lines;
    }
}
