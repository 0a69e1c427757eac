namespace Lodge.Core.Hardware;

/// <summary>Online logical CPUs and how they share cores, dies, packages, caches and NUMA nodes.</summary>
/// <remarks>
/// Physical cores come from the kernel's sibling lists. Without them (old kernels, some test trees) a core is
/// rebuilt the way the kernel documents the older attributes: when <c>/proc/cpuinfo</c> says "siblings" equals
/// "cpu cores" there is no SMT and each CPU is a core; otherwise CPUs with the same package, die, NUMA node and
/// <c>core_id</c> share a core (<c>core_id</c> is only unique within a die, and multi-die parts without <c>die_id</c>
/// repeat it per node). <see cref="CoreSource"/> says which rule counted.
/// </remarks>
public sealed record CpuTopology
{
    /// <summary>Logical CPUs that are online; empty when unknown.</summary>
    public IReadOnlyList<LogicalCpu> Cpus { get; init; } = [];

    /// <summary><c>/sys/devices/system/cpu/present</c>; null when unknown.</summary>
    public IReadOnlyList<int>? Present { get; init; }

    /// <summary><c>/sys/devices/system/cpu/possible</c>; null when unknown.</summary>
    public IReadOnlyList<int>? Possible { get; init; }

    /// <summary>NUMA nodes under <c>/sys/devices/system/node</c>; null when the tree has no such directory (a kernel without NUMA, or a tree that did not capture it).</summary>
    public IReadOnlyList<NumaNode>? Nodes { get; init; }

    /// <summary>From <c>/proc/cpuinfo</c>: true when "siblings" exceeds "cpu cores" (SMT), false when they are equal, null when unknown.</summary>
    public bool? CpuInfoSmt { get; init; }

    /// <summary>The distinct packages (by <c>package_cpus_list</c>, else <c>physical_package_id</c>; unknown counts as one).</summary>
    public int Packages => Cpus.Count == 0 ? 0 : Cpus.Select(PackageKey).Distinct().Count();

    /// <summary>The distinct dies (by <c>die_cpus_list</c>, else package and <c>die_id</c>).</summary>
    public int Dies => Cpus.Count == 0 ? 0 : Cpus.Select(c => (PackageKey(c), c.DieCpus is { Count: > 0 } d ? d.Min() : c.Die ?? 0)).Distinct().Count();

    /// <summary>Physical cores.</summary>
    public int Cores => PhysicalCores.Count;

    /// <summary>The most online hardware threads any core has (1 without SMT); 0 without CPUs.</summary>
    public int ThreadsPerCore => PhysicalCores.Count == 0 ? 0 : PhysicalCores.Max(c => c.Cpus.Count);

    /// <summary>True when some core runs more than one online thread.</summary>
    public bool HasSmt => ThreadsPerCore > 1;

    /// <summary>Which rule grouped the CPUs into cores: the weakest one any CPU needed.</summary>
    public SiblingSource CoreSource => Cpus.Count == 0 ? SiblingSource.Unknown : Cpus.Select(SourceOf).Max();

    /// <summary>Physical cores in order of their first CPU (computed on each call: keep the result).</summary>
    public IReadOnlyList<PhysicalCore> PhysicalCores => BuildCores();

    /// <summary>The distinct L3 domains (each a sorted CPU list); empty when unknown.</summary>
    public IReadOnlyList<IReadOnlyList<int>> L3Domains =>
        Cpus.Where(c => c.L3SharedWith is { Count: > 0 })
            .Select(c => c.L3SharedWith!)
            .DistinctBy(l => string.Join(',', l))
            .OrderBy(l => l[0])
            .ToList();

    /// <summary>True when the CPUs have P- and E-cores.</summary>
    public bool IsHybrid => Cpus.Any(c => c.CoreType is CpuCoreType.Efficiency);

    /// <summary>True when the tree shows more than one NUMA node with CPUs.</summary>
    public bool IsNuma => Nodes is { } n && n.Count(x => x.Cpus.Count > 0) > 1;

    private static int PackageKey(LogicalCpu c) => c.PackageCpus is { Count: > 0 } p ? p.Min() : c.Package ?? 0;

    private SiblingSource SourceOf(LogicalCpu c) =>
        c.ThreadSiblings.Count > 0 ? SiblingSource.Kernel
        : CpuInfoSmt == false ? SiblingSource.CpuInfoNoSmt
        : c.Core is not null ? SiblingSource.CoreId
        : SiblingSource.Unknown;

    private List<PhysicalCore> BuildCores()
    {
        var online = Cpus.Select(c => c.Id).ToHashSet();
        var groups = new Dictionary<string, List<LogicalCpu>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var cpu in Cpus)
        {
            var key = SourceOf(cpu) switch
            {
                SiblingSource.Kernel => "s" + string.Join(',', cpu.ThreadSiblings.Where(online.Contains).Order()),
                SiblingSource.CoreId => $"c{PackageKey(cpu)}/{(cpu.DieCpus is { Count: > 0 } d ? d.Min() : cpu.Die ?? 0)}/{cpu.Node}/{cpu.Core}",
                _ => $"u{cpu.Id}",
            };
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
                order.Add(key);
            }

            list.Add(cpu);
        }

        return [.. order.Select(k => groups[k])
            .Select(g => new PhysicalCore([.. g.Select(c => c.Id).Order()], g[0].PackageCpus is { Count: > 0 } || g[0].Package is not null ? PackageKey(g[0]) : null, g[0].Node, g[0].L3SharedWith is { Count: > 0 } l3 ? l3 : null, g[0].CoreType))
            .OrderBy(c => c.Cpus[0])];
    }
}
