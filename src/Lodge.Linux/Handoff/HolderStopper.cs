using Lodge.Core.Handoff;
using Lodge.Linux.Processes;

namespace Lodge.Linux.Handoff;

/// <summary><c>--stop-holders</c>: ends the processes the pre-flight found holding the GPU, with SIGTERM and, after a grace period, SIGKILL.</summary>
/// <remarks>Each pid is signalled only while it is still the process that was found (its /proc start time is checked), so a recycled pid is never hit.</remarks>
public static class HolderStopper
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>Stops each holder; returns once all are gone or have been sent SIGKILL after <paramref name="grace"/>.</summary>
    public static async Task StopAsync(IReadOnlyList<DeviceHolder> holders, TimeSpan grace, Action<string> log, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var clock = time ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(holders);
        ArgumentNullException.ThrowIfNull(log);
        var found = holders.Select(h => h.Pid).Where(p => p > 1).Distinct()
            .Select(pid => (Pid: pid, Ticks: ProcessTable.StartTicks(pid)))
            .Where(p => p.Ticks is not null)
            .Select(p => (p.Pid, Ticks: p.Ticks!.Value))
            .ToList();
        foreach (var (pid, ticks) in found)
        {
            log($"Stopping '{ProcessTable.Describe(pid)}' (pid {pid}), which holds the GPU (--stop-holders).");
            // HOST EFFECT: the holder is asked to exit; nothing restarts it.
            ProcessTable.Signal(pid, ticks, SigTerm);
        }

        var started = clock.GetTimestamp();
        while (found.Any(p => ProcessTable.IsAlive(p.Pid, p.Ticks)) && clock.GetElapsedTime(started) < grace)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (pid, ticks) in found.Where(p => ProcessTable.IsAlive(p.Pid, p.Ticks)))
        {
            log($"Process {pid} ignored SIGTERM for {grace.TotalSeconds:0} s; sending SIGKILL.");
            // HOST EFFECT: the holder is killed; nothing restarts it.
            ProcessTable.Signal(pid, ticks, SigKill);
        }
    }
}
