using System.Text.Json.Nodes;
using Lodge.Core.Runtime;
using Lodge.Linux.Processes;
using Lodge.Qmp.Commands;

namespace Lodge.Linux.Runtime;

/// <summary>Pins QEMU's threads once they exist: each vCPU thread to its host CPU, every other thread to the emulator CPUs.</summary>
/// <remarks>
/// An argv cannot pin threads, so the plan's <see cref="CpuPinning"/> is applied here, after QMP answers:
/// <c>query-cpus-fast</c> gives each vCPU's thread id (qapi/machine.json, CpuInfoFast.thread-id), and
/// <c>/proc/PID/task</c> lists the rest (main loop, I/O thread, workers).
/// </remarks>
public sealed partial class GuestRuntime
{
    private static async Task ApplyPinningAsync(LaunchSpec spec, SpawnedProcess qemu, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (spec.Pinning is not { } pinning)
        {
            return;
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
            }
        }

        if (failures.Count > 0)
        {
            progress?.Report($"Warning: could not pin {string.Join("; ", failures)} (the guest runs unpinned there).");
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
