using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Core.Planning;

/// <summary>CPU topology and pinning.</summary>
/// <remarks>
/// <c>pin = "auto"</c> works on the host's physical cores (<see cref="CpuTopology.PhysicalCores"/>): each guest core is
/// one host core with as many of its SMT siblings as the guest has threads, so sibling pairs never split. The cores come
/// from one NUMA node and, where one is big enough, one L3 domain; P-cores before E-cores; CPU 0's core stays with the
/// host when there is room elsewhere. A guest too big for any node is spread evenly over the fewest nodes that hold it,
/// with a guest NUMA layout to match. The emulator and I/O thread run on the same node's CPUs that the vCPUs leave free.
/// The guest gets threads &gt; 1 only when its host CPUs really are siblings. With <c>cores</c> unset, the guest gets
/// half the host's cores (2 to 8).
/// </remarks>
public static partial class MachinePlanner
{
    private static CpuPlan PlanCpu(MachineConfig machine, HostSnapshot host, List<PlanDecision> decisions)
    {
        var topology = host.Topology;
        var hostCores = topology.PhysicalCores;
        var asked = machine.Cpu.Threads;
        var cores = machine.Cpu.Cores ?? Math.Clamp(hostCores.Count / 2, 2, 8);
        var vcpus = cores * asked;
        var threads = asked;
        var smtReason = (string?)null;
        if (asked > 1 && hostCores.Count > 0 && !topology.HasSmt)
        {
            threads = 1;
            smtReason = $"The host shows no SMT ({hostCores.Count} cores, one thread each), so the guest's {asked} threads per core would be separate host cores: it gets {vcpus} cores of one thread instead.";
        }

        IReadOnlyList<int> pins = [];
        IReadOnlyList<int> rest = [];
        int? hostNode = null;
        IReadOnlyList<GuestNumaNode> guestNodes = [];
        var hostCacheInfo = false;
        var pinDecisions = new List<PlanDecision>();
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

            // A list that is exactly whole sibling sets ("8-11,24-27" on a host whose siblings are n and n+16) is a set of
            // cores: give each guest core one host core's threads rather than the list's numeric order.
            var groups = hostCores.Select(c => c.Cpus.Where(list.Contains).ToList()).Where(g => g.Count > 0).ToList();
            if (threads > 1 && list.Count == vcpus && groups.All(g => g.Count == threads) && groups.Sum(g => g.Count) == list.Count)
            {
                pins = [.. groups.SelectMany(g => g)];
            }
            rest = [.. topology.Cpus.Select(c => c.Id).Where(id => !list.Contains(id)).Order()];
            choice = $"vCPU 0-{vcpus - 1} on CPUs {string.Join(',', pins)}";
            reason = list.Count < vcpus ? $"The machine lists {list.Count} host CPUs for {vcpus} vCPUs, so vCPUs share them in turn." : "The machine lists the host CPUs.";
            if (threads > 1 && hostCores.Count > 0 && !PinsAreSiblings(pins, threads, hostCores))
            {
                smtReason = $"The listed host CPUs are not {threads}-thread sibling sets in vCPU order, so the guest gets {vcpus} cores of one thread rather than threads that are not real siblings.";
                threads = 1;
            }
        }
        else if (hostCores.Count == 0)
        {
            choice = "none";
            reason = "The host's CPU topology is unknown, so the vCPUs float.";
        }
        else if (vcpus >= topology.Cpus.Count)
        {
            choice = "none";
            reason = $"The guest's {vcpus} vCPUs leave none of the host's {topology.Cpus.Count} CPUs for the host, so pinning would only add contention.";
        }
        else if (AutoPin(topology, hostCores, vcpus, threads, machine.Memory.SizeBytes >> 20) is { } layout)
        {
            (pins, rest, threads, hostNode, guestNodes, hostCacheInfo) = (layout.Pins, layout.Emulator, layout.Threads, layout.HostNode, layout.GuestNodes, layout.OneL3);
            if (layout.SmtReason is not null)
            {
                smtReason = layout.SmtReason;
            }

            choice = $"vCPU 0-{vcpus - 1} on CPUs {string.Join(',', pins)}";
            reason = layout.Reason;
            pinDecisions.AddRange(layout.Decisions);
        }
        else
        {
            choice = "none";
            reason = $"No set of whole host cores holds {vcpus} vCPUs with CPU 0's core left over, so they float.";
        }

        var guestCores = vcpus / threads;
        var topoext = host.Cpu.IsAmd && threads > 1 && host.Cpu.HasTopoext == true && machine.Os != GuestOs.MacOs;
        var cores0 = machine.Cpu.Cores is null
            ? $"With cores unset, the guest gets half of the host's {hostCores.Count} cores (2 to 8)."
            : "The machine sets cores and threads.";
        decisions.Add(new("cpu", $"{guestCores} cores × {threads} thread{(threads == 1 ? "" : "s")} = {vcpus} vCPUs, host-passthrough" + (topoext ? " + topoext" : "") + (hostCacheInfo ? " + host-cache-info" : ""), cores0));
        if (smtReason is not null)
        {
            decisions.Add(new("smt", $"threads = {threads}", smtReason));
        }

        if (host.Cpu.IsAmd && threads > 1 && machine.Os != GuestOs.MacOs)
        {
            decisions.Add(topoext
                ? new("topoext", "on", "The host CPU's flags include topoext, so the guest can see which of its vCPUs are SMT siblings.")
                : new("topoext", "off", host.Cpu.HasTopoext is null
                    ? "The host CPU's flags are unknown, so topoext is not asked for."
                    : "The host CPU's flags lack topoext, so QEMU could not give it to the guest."));
        }

        decisions.Add(new("pinning", choice, reason));
        decisions.AddRange(pinDecisions);
        if (pins.Count > 0)
        {
            decisions.Add(rest.Count > 0
                ? new("emulator", $"emulator and I/O thread on {Format(rest)}", hostNode is not null || guestNodes.Count > 0
                    ? "They run on CPUs of the vCPUs' own NUMA node that the vCPUs leave free, so device work stays local without stealing vCPU time."
                    : "They run on the CPUs the vCPUs leave free, so disk and device work does not steal vCPU time.")
                : new("emulator", "floating", "The vCPUs take every host CPU, so nothing is left to pin the emulator to."));
        }

        var housekeeping = PlanIsolation(machine, topology, pins, decisions);
        return new CpuPlan(guestCores, threads, pins, pins.Count > 0 ? rest : [], host.Cpu.IsAmd, host.Cpu.IsIntel)
        {
            Topoext = topoext,
            HostCacheInfo = hostCacheInfo && machine.Os != GuestOs.MacOs,
            HostNode = hostNode,
            GuestNodes = guestNodes,
            HousekeepingCpus = housekeeping,
        };
    }

    // vCPU i is thread i % threads of guest core i / threads: each run of `threads` pins must be one host core's siblings.
    private static bool PinsAreSiblings(IReadOnlyList<int> pins, int threads, IReadOnlyList<PhysicalCore> cores)
    {
        var coreOf = new Dictionary<int, PhysicalCore>();
        foreach (var core in cores)
        {
            foreach (var cpu in core.Cpus)
            {
                coreOf[cpu] = core;
            }
        }

        for (var i = 0; i + threads <= pins.Count; i += threads)
        {
            var run = pins.Skip(i).Take(threads).ToList();
            if (run.Distinct().Count() != threads || !coreOf.TryGetValue(run[0], out var core) || run.Any(c => !core.Cpus.Contains(c)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>CPUs in the kernel's list format, e.g. <c>2-7,10-15</c>.</summary>
    public static string FormatCpus(IEnumerable<int> cpus) => Format(cpus);

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
}
