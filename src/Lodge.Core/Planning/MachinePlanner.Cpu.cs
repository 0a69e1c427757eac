using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Core.Planning;

/// <summary>CPU topology and pinning.</summary>
/// <remarks>
/// <c>pin = "auto"</c>: the host's physical cores are grouped by L3 domain, P-cores before E-cores; the core of CPU 0
/// stays with the host when there is room (the kernel's housekeeping lands there). vCPUs take whole SMT sibling sets
/// from one L3 domain when one is big enough, else cores in order across domains. The emulator and I/O thread get
/// every CPU the vCPUs do not. With <c>cores</c> unset, the guest gets half the host's cores (2 to 8).
/// </remarks>
public static partial class MachinePlanner
{
    private static CpuPlan PlanCpu(MachineConfig machine, HostSnapshot host, List<PlanDecision> decisions)
    {
        var hostCpus = host.Topology.Cpus;
        var threads = machine.Cpu.Threads;
        var cores = machine.Cpu.Cores ?? Math.Clamp(host.Topology.Cores / 2, 2, 8);
        var topoReason = machine.Cpu.Cores is null
            ? $"With cores unset, the guest gets half of the host's {host.Topology.Cores} cores (2 to 8)."
            : "The machine sets cores and threads.";
        decisions.Add(new("cpu", $"{cores} cores × {threads} thread{(threads == 1 ? "" : "s")} = {cores * threads} vCPUs" + (host.Cpu.IsAmd ? ", host-passthrough + topoext" : ", host-passthrough"),
            topoReason + (host.Cpu.IsAmd ? " topoext lets the guest see SMT on an AMD host." : "")));
        var vcpus = cores * threads;
        IReadOnlyList<int> pins = [];
        IReadOnlyList<int> rest = [];
        var pin = machine.Cpu.Pin;
        string choice;
        string reason;
        if (pin == "none")
        {
            choice = "none";
            reason = "The machine turns pinning off; the host scheduler places the vCPUs.";
        }
        else if (pin != "auto" && !(CpuList.TryParse(pin, out var parsed) && parsed.Count > 0))
        {
            choice = "none";
            reason = $"'{pin}' is not a host CPU list, so the vCPUs float ('lodge check' reports it).";
        }
        else if (pin != "auto")
        {
            CpuList.TryParse(pin, out var list);
            pins = [.. Enumerable.Range(0, vcpus).Select(i => list[i % list.Count])];
            rest = [.. hostCpus.Select(c => c.Id).Where(id => !list.Contains(id)).Order()];
            choice = $"vCPU 0-{vcpus - 1} on CPUs {string.Join(',', pins)}";
            reason = list.Count < vcpus ? $"The machine lists {list.Count} host CPUs for {vcpus} vCPUs, so vCPUs share them in turn." : "The machine lists the host CPUs.";
        }
        else if (hostCpus.Count == 0)
        {
            choice = "none";
            reason = "The host's CPU topology is unknown, so the vCPUs float.";
        }
        else if (vcpus >= hostCpus.Count)
        {
            choice = "none";
            reason = $"The guest's {vcpus} vCPUs leave none of the host's {hostCpus.Count} CPUs for the host, so pinning would only add contention.";
        }
        else
        {
            (pins, reason) = AutoPin(hostCpus, vcpus, threads);
            rest = [.. hostCpus.Select(c => c.Id).Where(id => !pins.Contains(id)).Order()];
            choice = $"vCPU 0-{vcpus - 1} on CPUs {string.Join(',', pins)}";
        }

        decisions.Add(new("pinning", choice, reason));
        if (pins.Count > 0)
        {
            decisions.Add(rest.Count > 0
                ? new("emulator", $"emulator and I/O thread on {Format(rest)}", "They run on the CPUs the vCPUs leave free, so disk and device work does not steal vCPU time.")
                : new("emulator", "floating", "The vCPUs take every host CPU, so nothing is left to pin the emulator to."));
        }

        return new CpuPlan(cores, threads, pins, pins.Count > 0 ? rest : [], host.Cpu.IsAmd, host.Cpu.IsIntel);
    }

    private static (IReadOnlyList<int> Pins, string Reason) AutoPin(IReadOnlyList<LogicalCpu> cpus, int vcpus, int threads)
    {
        var byId = cpus.ToDictionary(c => c.Id);
        var cores = cpus
            .GroupBy(c => string.Join(',', c.ThreadSiblings.Count > 0 ? c.ThreadSiblings : [c.Id]))
            .Select(g => new HostCore([.. g.Select(c => c.Id).Order()], g.First().L3SharedWith is { Count: > 0 } l3 ? string.Join(',', l3) : "", g.First().CoreType == CpuCoreType.Efficiency))
            .OrderBy(c => c.Efficiency)
            .ThenBy(c => c.Cpus[0])
            .ToList();
        var hostCore = cores.FirstOrDefault(c => c.Cpus.Contains(cpus.Min(x => x.Id)));
        var spare = hostCore is not null && cores.Where(c => c != hostCore).Sum(c => Math.Min(c.Cpus.Count, threads)) >= vcpus;
        var candidates = spare ? cores.Where(c => c != hostCore).ToList() : cores;
        var keep = spare ? $" CPU {hostCore!.Cpus[0]}'s core stays with the host." : "";
        var hybrid = cores.Any(c => c.Efficiency) ? " P-cores come before E-cores." : "";

        // One L3 domain that holds the whole guest, P-core domains first.
        foreach (var domain in candidates.GroupBy(c => c.L3))
        {
            var taken = Take([.. domain], vcpus, threads);
            if (taken.Count == vcpus)
            {
                var l3 = domain.Key.Length > 0 ? $"share the L3 of CPUs {Format(CpuListOf(domain.Key))}" : "share one L3";
                return (taken, $"vCPUs sit on SMT sibling sets that {l3}, so guest threads keep their cache.{hybrid}{keep}");
            }
        }

        var spread = Take(candidates, vcpus, threads);
        if (spread.Count < vcpus)
        {
            spread = Take(cores, vcpus, threads);
        }

        return (spread, $"No single L3 domain holds {vcpus} vCPUs, so they take SMT sibling sets across domains in order.{hybrid}{keep}");
    }

    private static List<int> Take(IReadOnlyList<HostCore> cores, int vcpus, int threads)
    {
        var result = new List<int>();
        foreach (var core in cores)
        {
            foreach (var cpu in core.Cpus.Take(threads))
            {
                if (result.Count < vcpus)
                {
                    result.Add(cpu);
                }
            }
        }

        return result;
    }

    private static IReadOnlyList<int> CpuListOf(string commaList) => [.. commaList.Split(',').Select(int.Parse)];

    /// <summary>CPUs in the kernel's list format, e.g. <c>2-7,10-15</c>.</summary>
    internal static string Format(IEnumerable<int> cpus)
    {
        var list = cpus.Distinct().Order().ToList();
        var parts = new List<string>();
        for (var i = 0; i < list.Count;)
        {
            var j = i;
            while (j + 1 < list.Count && list[j + 1] == list[j] + 1)
            {
                j++;
            }

            parts.Add(j == i ? $"{list[i]}" : $"{list[i]}-{list[j]}");
            i = j + 1;
        }

        return string.Join(',', parts);
    }

    private sealed record HostCore(IReadOnlyList<int> Cpus, string L3, bool Efficiency);
}
