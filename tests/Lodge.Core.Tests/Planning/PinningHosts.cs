using Lodge.Core.Hardware;
using Lodge.Linux;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Core.Tests.Planning;

/// <summary>Hosts for the pinning goldens and properties: libvirt's virhostcpudata trees, and built topologies.</summary>
internal static class PinningHosts
{
    public static readonly string LibvirtDir = Path.Combine(RepoPaths.Root, "tests", "data", "cpu", "libvirt-9.0.0");

    public static IReadOnlyList<string> Names =>
        [.. Directory.EnumerateDirectories(LibvirtDir).Select(Path.GetFileName).Select(n => "libvirt-" + n!), "zen4-7950x-2ccd", "adl-12900k-hybrid", "epyc-2node-4ccd"];

    public static HostSnapshot Load(string name) => name switch
    {
        _ when name.StartsWith("libvirt-", StringComparison.Ordinal) => new SysfsScanner(new HostRoot(Path.Combine(LibvirtDir, name["libvirt-".Length..]))).Scan(),
        // Ryzen 9 7950X: 16 cores, siblings n and n+16, one L3 per 8-core CCD, one node; flags include topoext.
        "zen4-7950x-2ccd" => Amd(Build(nodes: 1, l3PerNode: 2, coresPerL3: 8, threads: 2)),
        // Core i9-12900K: 8 P-cores (siblings 2n, 2n+1), 8 E-cores 16-23 in two 4-core clusters; one L3.
        "adl-12900k-hybrid" => new HostSnapshot { Cpu = new CpuInfo { VendorId = "GenuineIntel" }, Topology = AlderLake() },
        // EPYC-like: 2 nodes of 2 CCDs with 4 cores each, SMT; flags include topoext.
        "epyc-2node-4ccd" => Amd(Build(nodes: 2, l3PerNode: 2, coresPerL3: 4, threads: 2)),
        _ => throw new ArgumentException(name),
    };

    private static HostSnapshot Amd(CpuTopology topology) => new() { Cpu = new CpuInfo { VendorId = "AuthenticAMD", HasTopoext = true }, Topology = topology };

    /// <summary>
    /// A Linux-numbered topology: the first threads of all cores are CPUs 0..C-1, second threads C..2C-1; cores fill L3
    /// domains, L3 domains fill nodes, in order. <paramref name="eCoresPerL3"/> adds single-thread E-cores to each domain.
    /// </summary>
    public static CpuTopology Build(int nodes, int l3PerNode, int coresPerL3, int threads, int eCoresPerL3 = 0, bool cacheData = true)
    {
        var perL3 = coresPerL3 + eCoresPerL3;
        var total = nodes * l3PerNode * perL3;
        var cores = new List<(int Node, int L3, bool E, List<int> Cpus)>();
        for (var c = 0; c < total; c++)
        {
            var l3 = c / perL3;
            var e = c % perL3 >= coresPerL3;
            cores.Add((l3 / l3PerNode, l3, e, [c]));
        }

        var next = total;
        foreach (var core in cores.Where(c => !c.E))
        {
            for (var t = 1; t < threads; t++)
            {
                core.Cpus.Add(next++);
            }
        }

        var l3Cpus = cores.GroupBy(c => c.L3).ToDictionary(g => g.Key, g => (IReadOnlyList<int>)[.. g.SelectMany(c => c.Cpus).Order()]);
        var hybrid = eCoresPerL3 > 0;
        var cpus = cores.SelectMany(core => core.Cpus.Select(id => new LogicalCpu(id, 0, 0, cores.IndexOf(core), core.Cpus, cacheData ? l3Cpus[core.L3] : null,
                hybrid ? core.E ? CpuCoreType.Efficiency : CpuCoreType.Performance : null) { Node = core.Node }))
            .OrderBy(c => c.Id).ToList();
        var nodeList = Enumerable.Range(0, nodes)
            .Select(n => new NumaNode(n, [.. cpus.Where(c => c.Node == n).Select(c => c.Id)], 32L << 20, 30L << 20)).ToList();
        return new CpuTopology { Cpus = cpus, Nodes = nodeList, Present = [.. cpus.Select(c => c.Id)] };
    }

    private static CpuTopology AlderLake()
    {
        var all = Enumerable.Range(0, 24).ToList();
        var cpus = Enumerable.Range(0, 24).Select(id => id < 16
            ? new LogicalCpu(id, 0, 0, id / 2, [id & ~1, id | 1], all, CpuCoreType.Performance)
            : new LogicalCpu(id, 0, 0, id - 8, [id], all, CpuCoreType.Efficiency) { ClusterCpus = id < 20 ? [16, 17, 18, 19] : [20, 21, 22, 23] }).ToList();
        return new CpuTopology { Cpus = cpus, Nodes = [new NumaNode(0, all, 64L << 20, 60L << 20)] };
    }
}
