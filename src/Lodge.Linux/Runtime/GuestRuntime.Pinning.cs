using System.Text.Json.Nodes;
using Lodge.Core.Runtime;
using Lodge.Linux.Processes;
using Lodge.Qmp;
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
    // Pins every thread QEMU has now; returns the rule (a thread id to its CPUs, null for a thread left alone) for
    // RepinAsync, or null without pinning.
    private static async Task<Func<int, IReadOnlyList<int>?>?> ApplyPinningAsync(LaunchSpec spec, QmpClient client, SpawnedProcess qemu, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (spec.Pinning is not { } pinning)
        {
            return null;
        }

        progress?.Report("Pinning vCPU threads");
        var vcpuThreads = new Dictionary<int, int>();
        if (await client.Session.ExecuteAsync("query-cpus-fast", null, cancellationToken).ConfigureAwait(false) is JsonArray answer)
        {
            foreach (var cpu in answer.OfType<JsonObject>())
            {
                if (cpu["cpu-index"]?.GetValue<int>() is { } index && cpu["thread-id"]?.GetValue<int>() is { } tid)
                {
                    vcpuThreads[tid] = index;
                }
            }
        }

        IReadOnlyList<int>? Target(int tid) => vcpuThreads.TryGetValue(tid, out var index)
            ? (index < pinning.VcpuCpus.Count ? [pinning.VcpuCpus[index]] : null)
            : (pinning.EmulatorCpus.Count > 0 ? pinning.EmulatorCpus : null);

        var failures = new List<string>();
        foreach (var tid in Threads(qemu.Pid))
        {
            if (Target(tid) is not { } cpus)
            {
                continue;
            }

            // HOST EFFECT: changes the CPU affinity of one QEMU thread; it ends with the thread (nothing to undo).
            if (!Native.SetAffinity(tid, cpus))
            {
                failures.Add($"thread {tid} to CPUs {string.Join(',', cpus)}");
            }
        }

        if (failures.Count > 0)
        {
            progress?.Report($"Warning: could not pin {string.Join("; ", failures)} (the guest runs unpinned there).");
        }

        return Target;
    }

    // Reads every QEMU thread's affinity back (sched_getaffinity) and pins again each one that is off its CPUs: the ones a
    // cgroup move reset, and threads started since the first pass (a worker started between the pins and the move was
    // reset with the rest). At once and then for `settle`: systemd moves tasks when it realizes a unit's cgroup, after
    // its D-Bus reply. Says what it found.
    private async Task RepinAsync(int pid, Func<int, IReadOnlyList<int>?>? target, TimeSpan settle, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (target is null)
        {
            return;
        }

        var reset = new SortedDictionary<int, string>();
        var failures = new SortedDictionary<int, string>();
        var started = _time.GetTimestamp();
        while (true)
        {
            foreach (var tid in Threads(pid))
            {
                if (target(tid) is not { } cpus || Native.GetAffinity(tid) is not { } now || now.SequenceEqual(cpus))
                {
                    continue; // left alone, gone (a worker thread ended), or pinned
                }

                reset[tid] = $"{tid} (on CPUs {Isolation.Cpus.Format(now)}, pinned to {Isolation.Cpus.Format(cpus)})";

                // HOST EFFECT: the same pin as ApplyPinningAsync, written again; it ends with the thread.
                if (!Native.SetAffinity(tid, cpus))
                {
                    failures[tid] = $"thread {tid} to CPUs {Isolation.Cpus.Format(cpus)}";
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
            progress?.Report($"The kernel reset the CPU affinity of {reset.Count} QEMU thread(s) when QEMU moved to its own cgroup (kernels before 6.2 do): {string.Join("; ", reset.Values)}; pinned again.");
        }

        if (failures.Count > 0)
        {
            progress?.Report($"Warning: could not pin {string.Join("; ", failures.Values)} again (the guest runs unpinned there).");
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
