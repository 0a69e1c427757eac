using Lodge.Linux.HugePages;
using Lodge.Linux.Runtime;

namespace Lodge.App.Runtime;

/// <summary><c>lodge rescue</c>'s part for hugepages: gives back what guests that no longer run left reserved.</summary>
public static class HugePageRescue
{
    /// <summary>Releases the reservations of every guest that does not run; at boot only forgets them (the reboot already did).</summary>
    /// <returns>One line per reservation, and whether anything is left (a failed write or a damaged journal).</returns>
    public static (IReadOnlyList<string> Lines, bool Left) Run(GuestStateStore store, bool boot)
    {
        ArgumentNullException.ThrowIfNull(store);
        var journal = new HugePageJournal(store.HugePageJournalPath);
        var reading = journal.Read();
        if (boot)
        {
            if (reading.Reservations.Count == 0 && reading.Damage is null)
            {
                return ([], false);
            }

            // Pool sizes written at run time do not survive a reboot: the kernel starts from the command line and sysctl.
            journal.Clear();
            return (["The reboot gave back the hugepages Lodge had reserved."], false);
        }

        if (reading.Damage is { } damage)
        {
            return ([$"Error: {damage}", HugePageJournalDamagedException.HintFor(journal.Path)], true);
        }

        var lines = new List<string>();
        foreach (var release in store.ReleaseStaleHugePages())
        {
            lines.Add(release.Done
                ? $"Gave back {release.Reservation.Describe()} ({release.Released} pages freed)."
                : $"Could not give back {release.Reservation.Describe()} ({release.Error}); '{journal.Path}' keeps them for the next 'lodge rescue'.");
        }

        var left = journal.Read().Reservations.Where(r => store.Read(r.Guest) is not { } s || !GuestStateStore.IsLive(s)).ToList();
        return (lines, left.Count > 0);
    }
}
