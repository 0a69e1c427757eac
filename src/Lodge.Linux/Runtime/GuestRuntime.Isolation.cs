using Lodge.Core.Planning;
using Lodge.Core.Runtime;
using Lodge.Linux.Host;

namespace Lodge.Linux.Runtime;

/// <summary><c>[cpu] isolate = true</c>: QEMU moves to its own scope in machine.slice, then the host's own units move to the housekeeping CPUs once the vCPUs are pinned.</summary>
/// <remarks>
/// Undone by <see cref="GuestStateStore.Clean"/> (every way a guest stops: down, crash, a failed start, a stale state
/// found later), by <c>lodge rescue</c>, and at boot. One isolation at a time: while another live guest holds the
/// journal, this guest runs without isolation and says so.
/// </remarks>
public sealed partial class GuestRuntime
{
    private async Task<bool> IsolateAsync(LaunchSpec spec, int qemuPid, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (spec.Pinning?.HousekeepingCpus is not { Count: > 0 } housekeeping)
        {
            return false;
        }

        var isolator = Store.Isolator();
        if (isolator.Journal.Read() is { } held && held.Guest != spec.Machine && held.Guest.Length > 0 && Store.Refresh(held.Guest, out _) is not null)
        {
            progress?.Report($"Warning: guest '{held.Guest}' already isolates the host's CPUs, so '{spec.Machine}' runs without isolation.");
            return false;
        }

        progress?.Report($"Isolating the host's units on CPUs {MachinePlanner.FormatCpus(housekeeping)}");
        try
        {
            // QEMU first moves to machine.slice/lodge-NAME.scope: left in the slice it was started from, the limit
            // would pull its pinned vCPUs onto the housekeeping CPUs.
            await isolator.ApplyAsync(spec.Machine, MachinePlanner.IsolatedUnits, housekeeping, cancellationToken, qemuPid).ConfigureAwait(false);
            return true;
        }
        catch (HostWriteException e)
        {
            progress?.Report($"Warning: could not isolate the host's CPUs ({e.Message}); the guest runs without isolation.");
            return false;
        }
    }
}
