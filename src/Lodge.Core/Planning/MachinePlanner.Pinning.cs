using Lodge.Core.Hardware;

namespace Lodge.Core.Planning;

/// <summary>The automatic choice of host cores for <c>pin = "auto"</c>.</summary>
public static partial class MachinePlanner
{
    private static PinLayout? AutoPin(CpuTopology topology, IReadOnlyList<PhysicalCore> hostCores, int vcpus, int threads, long memoryMiB)
    {
        var layout = AutoPinWith(topology, hostCores, vcpus, threads, memoryMiB, null);
        if (layout is null && threads > 1)
        {
            // Not enough cores with `threads` siblings each (hybrid E-cores, offline siblings): one thread per core.
            layout = AutoPinWith(topology, hostCores, vcpus, 1, memoryMiB,
                $"No set of {vcpus / threads} host cores with {threads} online threads each is free, so the guest gets {vcpus} cores of one thread, each a whole host core.");
        }

        return layout;
    }

    private static PinLayout? AutoPinWith(CpuTopology topology, IReadOnlyList<PhysicalCore> hostCores, int vcpus, int threads, long memoryMiB, string? smtReason)
    {
        var guestCores = vcpus / threads;
        var cpu0 = topology.Cpus.Min(c => c.Id);
        var hostCore = hostCores.First(c => c.Cpus.Contains(cpu0));
        var eligible = hostCores.Where(c => c.Cpus.Count >= threads).ToList();
        var nodes = eligible.GroupBy(c => c.Node ?? -1).OrderBy(g => g.Key).ToList();
        var numa = topology.IsNuma;

        // One node: first where it fits one L3 without CPU 0's core, then one L3 with it (cache locality outweighs the
        // host's spare core), then anywhere in a node without it, then with it.
        foreach (var (keepHostCore, oneL3) in new[] { (true, true), (false, true), (true, false), (false, false) })
        {
            foreach (var node in nodes)
            {
                var free = Ordered(node.Where(c => !keepHostCore || c != hostCore));
                var chosen = oneL3 ? FitOneL3(free, guestCores) : free.Count >= guestCores ? [.. free.Take(guestCores)] : null;
                if (chosen is null)
                {
                    continue;
                }

                var decisions = new List<PlanDecision>();
                var nodeCpus = topology.Cpus.Where(c => (c.Node ?? -1) == node.Key).Select(c => c.Id).ToList();
                if (numa)
                {
                    var info = topology.Nodes!.First(n => n.Id == node.Key);
                    var mem = info.MemTotalKiB is { } kib ? $", {kib >> 10} MiB" : "";
                    decisions.Add(new("numa", $"host node {node.Key} (CPUs {Format(info.Cpus)}{mem})", $"The host has {topology.Nodes!.Count(n => n.Cpus.Count > 0)} NUMA nodes and the guest fits in node {node.Key}, so its vCPUs and RAM stay local."));
                }

                var reused = !keepHostCore && chosen.Contains(hostCore);
                return Finish(topology, chosen, threads, nodeCpus, numa ? node.Key : null, [], decisions, hostCore, reused, smtReason);
            }
        }

        if (!numa)
        {
            return null;
        }

        // Too big for any node: the fewest nodes that hold it with an even share each, the roomiest nodes first (and the
        // bigger shares on them), CPU 0's core left to the host when that still fits.
        foreach (var keepHostCore in new[] { true, false })
        {
            var byRoom = nodes.Where(g => g.Key >= 0)
                .Select(g => (Node: g.Key, Free: Ordered(g.Where(c => !keepHostCore || c != hostCore))))
                .OrderByDescending(n => n.Free.Count).ThenBy(n => n.Node).ToList();
            for (var k = 2; k <= byRoom.Count; k++)
            {
                var shares = Enumerable.Range(0, k).Select(i => guestCores / k + (i < guestCores % k ? 1 : 0)).ToList();
                var picked = byRoom.Take(k).Select((n, i) => (n.Node, n.Free, Share: shares[i])).ToList();
                if (picked.Any(n => n.Free.Count < n.Share))
                {
                    continue;
                }

                var chosen = new List<PhysicalCore>();
                var guestNodes = new List<GuestNumaNode>();
                var ordered = picked.OrderBy(n => n.Node).ToList();
                for (var i = 0; i < k; i++)
                {
                    var part = FitOneL3(ordered[i].Free, ordered[i].Share) ?? [.. ordered[i].Free.Take(ordered[i].Share)];
                    guestNodes.Add(new GuestNumaNode(i, chosen.Count * threads, ordered[i].Share * threads, memoryMiB / k + (i == 0 ? memoryMiB % k : 0), ordered[i].Node));
                    chosen.AddRange(part);
                }

                var decisions = new List<PlanDecision>
                {
                    new("numa", $"{k} guest nodes on host nodes {string.Join(',', ordered.Select(n => n.Node))}", $"The guest's {guestCores} cores do not fit one NUMA node (at most {byRoom[0].Free.Count} free cores there), so they are spread evenly over {k} nodes and the guest sees the same {k}-node layout."),
                };
                var nodeSet = ordered.Select(n => n.Node).ToHashSet();
                var nodeCpus = topology.Cpus.Where(c => c.Node is { } n && nodeSet.Contains(n)).Select(c => c.Id).ToList();
                return Finish(topology, chosen, threads, nodeCpus, null, guestNodes, decisions, hostCore, chosen.Contains(hostCore), smtReason);
            }
        }

        return null;
    }

    private static PinLayout Finish(CpuTopology topology, List<PhysicalCore> chosen, int threads, IReadOnlyList<int> nodeCpus, int? hostNode,
        IReadOnlyList<GuestNumaNode> guestNodes, List<PlanDecision> decisions, PhysicalCore hostCore, bool reusedHostCore, string? smtReason)
    {
        var pins = chosen.SelectMany(c => c.Cpus.Take(threads)).ToList();
        var used = chosen.SelectMany(c => c.Cpus).ToHashSet();

        // The emulator: the node's CPUs on cores the vCPUs do not touch; else any such CPU; else the idle siblings.
        var emulator = nodeCpus.Where(c => !used.Contains(c)).Order().ToList();
        if (emulator.Count == 0)
        {
            emulator = [.. topology.Cpus.Select(c => c.Id).Where(c => !used.Contains(c)).Order()];
        }

        if (emulator.Count == 0)
        {
            emulator = [.. used.Where(c => !pins.Contains(c)).Order()];
        }

        var sets = threads > 1 ? $"{chosen.Count} whole host cores with {threads} SMT siblings each" : topology.HasSmt ? $"{chosen.Count} host cores, one vCPU per core" : $"{chosen.Count} host cores";
        var reason = $"The vCPUs take {sets}, so no two guest cores share a host core{(threads > 1 ? " and every guest thread pair is a real sibling pair" : "")}.";

        var l3s = chosen.Select(c => c.L3 is null ? null : Format(c.L3)).Distinct().ToList();
        var oneL3 = l3s.Count == 1 && l3s[0] is not null;

        // host-cache-info passes CPUID leaf 4 through verbatim, threads-per-cache counts included: true only when each
        // guest core is a host core with exactly the guest's threads.
        var mirror = chosen.All(c => c.Cpus.Count == threads);
        if (l3s.Any(l => l is null))
        {
            decisions.Add(new("cache", "unknown", "The tree has no cache data for these CPUs, so whether they share an L3 is unknown."));
        }
        else if (oneL3 && mirror)
        {
            decisions.Add(new("cache", $"one L3 (CPUs {l3s[0]}), host-cache-info=on", "All vCPUs sit in one L3 domain on whole cores that the guest's cores mirror thread for thread, so the guest keeps its cache and is told the host's real cache layout."));
        }
        else if (oneL3)
        {
            decisions.Add(new("cache", $"one L3 (CPUs {l3s[0]})", "All vCPUs sit in one L3 domain, but the guest's cores do not mirror the host's thread for thread, so QEMU describes the caches (its default l3-cache) instead of passing the host's through."));
        }
        else
        {
            var largest = topology.L3Domains.Max(d => d.Count);
            decisions.Add(new("cache", $"{l3s.Count} L3 domains", $"No L3 domain has {chosen.Count} free cores (the largest holds {largest} CPUs), so the vCPUs span {l3s.Count} domains."));
        }

        if (chosen.Any(c => c.CoreType is not null))
        {
            var e = chosen.Count(c => c.CoreType == CpuCoreType.Efficiency);
            decisions.Add(new("hybrid", e == 0 ? "P-cores only" : $"{chosen.Count - e} P-cores, {e} E-cores",
                e == 0 ? "P-cores come before E-cores, and there are enough P-cores for the guest." : "P-cores come first, and there are not enough free P-cores, so E-cores make up the rest."));
        }

        decisions.Add(reusedHostCore
            ? new("host core", $"CPU {hostCore.Cpus[0]}'s core shared", $"The guest needs CPU {hostCore.Cpus[0]}'s core too, so the host's housekeeping shares it with a vCPU.")
            : new("host core", $"CPUs {Format(hostCore.Cpus)} kept for the host", $"CPU {hostCore.Cpus[0]}'s core, where the kernel's housekeeping runs, stays with the host because there is room elsewhere."));
        return new PinLayout(pins, emulator, threads, hostNode, guestNodes, oneL3 && mirror, reason, decisions, smtReason);
    }

    // P-cores before E-cores, then by first CPU.
    private static List<PhysicalCore> Ordered(IEnumerable<PhysicalCore> cores) =>
        [.. cores.OrderBy(c => c.CoreType == CpuCoreType.Efficiency).ThenBy(c => c.Cpus[0])];

    // The first L3 domain (P-core domains first) with `count` free cores; null when none has, or the tree has no cache data.
    private static List<PhysicalCore>? FitOneL3(List<PhysicalCore> free, int count)
    {
        foreach (var domain in free.Where(c => c.L3 is not null).GroupBy(c => Format(c.L3!)).OrderBy(g => g.Min(c => c.CoreType == CpuCoreType.Efficiency)).ThenBy(g => g.Min(c => c.Cpus[0])))
        {
            var cores = Ordered(domain);
            if (cores.Count >= count)
            {
                return [.. cores.Take(count)];
            }
        }

        return null;
    }

    private sealed record PinLayout(
        IReadOnlyList<int> Pins,
        IReadOnlyList<int> Emulator,
        int Threads,
        int? HostNode,
        IReadOnlyList<GuestNumaNode> GuestNodes,
        bool OneL3,
        string Reason,
        IReadOnlyList<PlanDecision> Decisions,
        string? SmtReason);
}
