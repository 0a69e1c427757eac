using Lodge.Linux.HugePages;

namespace Lodge.Linux.Runtime;

/// <summary>Before a guest reserves hugepages, what earlier runs left reserved is given back.</summary>
public sealed partial class GuestRuntime
{
    private void ReleaseStaleHugePages(IProgress<string>? progress)
    {
        try
        {
            foreach (var release in Store.ReleaseStaleHugePages())
            {
                progress?.Report(release.Done
                    ? $"Gave back {release.Reservation.Describe()}, left reserved by an earlier run"
                    : $"Warning: could not give back {release.Reservation.Describe()} ({release.Error}); 'lodge rescue' tries again.");
            }
        }
        catch (HugePageJournalDamagedException)
        {
            // AllocateAsync refuses with the damage and what to check.
        }
    }
}
