using System.Text.Json.Nodes;
using Lodge.Core.Runtime;
using Lodge.Linux.Processes;
using Lodge.Qmp.Commands;

namespace Lodge.Linux.Runtime;

/// <summary>Pins QEMU's threads once they exist: each vCPU thread to its host CPU, every other thread to the emulator CPUs.</summary>
/// <remarks>
/// An argv cannot pin threads, so the plan's <see cref="CpuPinning"/> is applied here, after QMP answers:
/// <c>query-cpus-fast</c> gives each vCPU's thread id (qapi/machine.json, CpuInfoFast.thread-id; under TCG too, whatever
/// the thread's name), and <c>/proc/PID/task</c> lists the rest (main loop, I/O thread, workers).
/// <para>A cgroup move undoes a pin on kernels before 6.2: cpuset_attach() sets every moved thread's affinity to the
/// cpuset's CPUs (6.2's "sched: Always preserve the user requested cpumask" keeps the user's mask). Isolation moves QEMU
/// to <c>machine.slice/lodge-NAME.scope</c> after the pins (and systemd, enabling the cpuset controller for the host's
/// slices, moves every task again), so lab scenario 10 on Debian's 6.1 found the vCPU thread allowed on CPUs 0-1. Once
/// isolation is done, <c>RepinAsync</c> reads each pin back and writes again what the kernel reset, for a while: systemd
/// realizes a unit's cgroup settings after its D-Bus reply, so the last move may come a moment later.</para>
/// </remarks>
public sealed partial class GuestRuntime
{
    // Returns each pinned thread with its CPUs (empty without pinning), for RepinAsync.
    private static async Task<IReadOnlyDictionary<int, IReadOnlyList<int>>> ApplyPinningAsync(LaunchSpec spec, SpawnedProcess qemu, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var pins = new Dictionary<int, IReadOnlyList<int>>();
        if (spec.Pinning is not { } pinning)
        {
            return pins;
        }

        progress?.Report("Pinning vCPU threads");
        var vcpuThreads = new Dictionary<int, int>();
        await using (var client = await QmpClient.ConnectUnixAsync(spec.QmpSocket, null, cancellationToken).ConfigureAwait(false))
        {
            if (await client.Session.ExecuteAsync("query-cpus-fast", null, cancellationToken).ConfigureAwait(false) is JsonArray cpus)
            {
                foreach (var cpu in cpus.OfType<JsonObject>())
                {
                    if (cpu["cpu-index"]?.GetValue<int>() is { } index && cpu["thread-id"]?.GetValue<int>() is { } tid)
                    {
                        vcpuThreads[tid] = index;
                    }
                }
            }
        }

        var failures = new List<string>();
        foreach (var tid in Threads(qemu.Pid))
        {
            IReadOnlyList<int>? cpus = vcpuThreads.TryGetValue(tid, out var index)
                ? (index < pinning.VcpuCpus.Count ? [pinning.VcpuCpus[index]] : null)
                : (pinning.EmulatorCpus.Count > 0 ? pinning.EmulatorCpus : null);
            if (cpus is null)
            {
                continue;
            }

            // HOST EFFECT: changes the CPU affinity of one QEMU thread; it ends with the thread (nothing to undo).
            if (!Native.SetAffinity(tid, cpus))
            {
                failures.Add($"thread {tid} to CPUs {string.Join(',', cpus)}");
                continue;
            }

            pins[tid] = cpus;
        }

        if (failures.Count > 0)
        {
            progress?.Report($"Warning: could not pin {string.Join("; ", failures)} (the guest runs unpinned there).");
        }

        return pins;
    }

    // Reads every pin back (sched_getaffinity) and writes again the ones a cgroup move reset, at once and then for
    // `settle` (systemd moves tasks when it realizes a unit's cgroup, after its D-Bus reply); says what it found.
    private async Task RepinAsync(IReadOnlyDictionary<int, IReadOnlyList<int>> pins, TimeSpan settle, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var reset = new List<string>();
        var failures = new List<string>();
        var started = _time.GetTimestamp();
        while (true)
        {
            foreach (var (tid, cpus) in pins)
            {
                if (Native.GetAffinity(tid) is not { } now || now.SequenceEqual(cpus))
                {
                    continue; // gone (a worker thread ended), or still pinned
                }

                reset.Add($"{tid} (on CPUs {Isolation.Cpus.Format(now)}, pinned to {Isolation.Cpus.Format(cpus)})");

                // HOST EFFECT: the same pin as ApplyPinningAsync, written again; it ends with the thread.
                if (!Native.SetAffinity(tid, cpus))
                {
                    failures.Add($"thread {tid} to CPUs {Isolation.Cpus.Format(cpus)}");
                }
            }

            if (_time.GetElapsedTime(started) >= settle)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(false);
        }

        if (reset.Count > 0)
        {
            progress?.Report($"The kernel reset the CPU affinity of {reset.Count} QEMU thread(s) when QEMU moved to its own cgroup (kernels before 6.2 do): {string.Join("; ", reset)}; pinned again.");
        }

        if (failures.Count > 0)
        {
            progress?.Report($"Warning: could not pin {string.Join("; ", failures)} again (the guest runs unpinned there).");
        }
    }

    private static IEnumerable<int> Threads(int pid)
    {
        string[] entries;
        try
        {
            entries = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (IOException)
        {
            return [];
        }

        return entries.Select(e => int.TryParse(Path.GetFileName(e), out var tid) ? tid : -1).Where(t => t > 0).ToList();
    }
}
