using System.Globalization;
using System.Text.RegularExpressions;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>CPU topology: online CPUs, their cores, dies, packages, clusters, L2/L3 domains, NUMA nodes and hybrid core types.</summary>
/// <remarks>
/// Attributes follow Documentation/ABI/stable/sysfs-devices-system-cpu, Documentation/ABI/testing/sysfs-devices-system-cpu,
/// Documentation/admin-guide/cputopology.rst and Documentation/ABI/stable/sysfs-devices-node. Each list is the kernel's
/// own answer; where a newer name is missing the older one stands in (<c>core_cpus_list</c> then
/// <c>thread_siblings_list</c>, <c>package_cpus_list</c> then <c>core_siblings_list</c>), and where both are missing the
/// fact stays unknown (null) for <see cref="CpuTopology"/> to fall back on.
/// </remarks>
public sealed partial class SysfsScanner
{
    private const string CpuDir = "/sys/devices/system/cpu";
    private const string NodeDir = "/sys/devices/system/node";

    private CpuTopology ScanTopology(CpuInfo info)
    {
        var ids = OnlineCpuIds();
        var performance = ParseCpuList(_root.ReadAttribute("/sys/devices/cpu_core/cpus"))?.ToHashSet();
        var efficiency = ParseCpuList(_root.ReadAttribute("/sys/devices/cpu_atom/cpus"))?.ToHashSet();
        var nodes = ScanNodes();
        var nodeOf = new Dictionary<int, int>();
        foreach (var node in nodes ?? [])
        {
            foreach (var cpu in node.Cpus)
            {
                nodeOf.TryAdd(cpu, node.Id);
            }
        }

        var cpus = new List<LogicalCpu>(ids.Count);
        foreach (var id in ids)
        {
            var dir = $"{CpuDir}/cpu{id}";
            CpuCoreType? type = performance?.Contains(id) == true ? CpuCoreType.Performance
                : efficiency?.Contains(id) == true ? CpuCoreType.Efficiency
                : null;
            var siblings = ReadOwnList($"{dir}/topology/core_cpus_list", id) ?? ReadOwnList($"{dir}/topology/thread_siblings_list", id);
            cpus.Add(new LogicalCpu(
                id,
                NonNegative(ParseInt(_root.ReadAttribute($"{dir}/topology/physical_package_id"))),
                NonNegative(ParseInt(_root.ReadAttribute($"{dir}/topology/die_id"))),
                NonNegative(ParseInt(_root.ReadAttribute($"{dir}/topology/core_id"))),
                siblings ?? [],
                ReadSharedCpus(dir, "3"),
                type)
            {
                PackageCpus = ReadOwnList($"{dir}/topology/package_cpus_list", id) ?? ReadOwnList($"{dir}/topology/core_siblings_list", id),
                DieCpus = ReadOwnList($"{dir}/topology/die_cpus_list", id),
                ClusterCpus = ReadOwnList($"{dir}/topology/cluster_cpus_list", id),
                L2SharedWith = ReadSharedCpus(dir, "2"),
                Node = nodeOf.TryGetValue(id, out var n) ? n : null,
            });
        }

        return new CpuTopology
        {
            Cpus = cpus,
            Present = ParseCpuList(_root.ReadAttribute($"{CpuDir}/present")),
            Possible = ParseCpuList(_root.ReadAttribute($"{CpuDir}/possible")),
            Nodes = nodes,
            CpuInfoSmt = info.SiblingsPerPackage is { } s && info.CoresPerPackage is { } c && c > 0 ? s > c : null,
        };
    }

    // A sibling list that leaves out its own CPU is not a topology answer (libvirt's linux-test1 tree has one).
    private IReadOnlyList<int>? ReadOwnList(string path, int id) =>
        ParseCpuList(_root.ReadAttribute(path)) is { } list && list.Contains(id) ? list : null;

    // nodeN/cpulist ("0-7,16-23"); older trees only have the nodeN/cpuM links. A kernel built without NUMA has no
    // node directory at all: then the nodes are unknown (null), not zero.
    private List<NumaNode>? ScanNodes()
    {
        if (!_root.DirectoryExists(NodeDir))
        {
            return null;
        }

        var nodes = new List<NumaNode>();
        foreach (var name in _root.ListDirectory(NodeDir))
        {
            if (NodeDirRegex().Match(name) is not { Success: true } m
                || !int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            var dir = $"{NodeDir}/{name}";
            var cpus = ParseCpuList(_root.ReadAttribute($"{dir}/cpulist"));
            if (cpus is null)
            {
                var linked = new List<int>();
                foreach (var entry in _root.ListDirectory(dir))
                {
                    if (CpuDirRegex().Match(entry) is { Success: true } c
                        && int.TryParse(c.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var cpu))
                    {
                        linked.Add(cpu);
                    }
                }

                linked.Sort();
                cpus = linked;
            }

            var meminfo = ParseNodeMeminfo(_root.ReadText($"{dir}/meminfo"));
            nodes.Add(new NumaNode(id, cpus, meminfo.GetValueOrDefault("MemTotal"), meminfo.GetValueOrDefault("MemFree"))
            {
                HugePages = ScanHugePagePools($"{dir}/hugepages"),
            });
        }

        nodes.Sort((a, b) => a.Id.CompareTo(b.Id));
        return nodes;
    }

    // nodeN/meminfo prefixes /proc/meminfo's keys with the node:
    //   Node 0 MemTotal:       33554432 kB
    //   Node 0 MemFree:        12351744 kB
    private static IReadOnlyDictionary<string, long?> ParseNodeMeminfo(string? text)
    {
        if (text is null)
        {
            return new Dictionary<string, long?>();
        }

        var lines = text.Split('\n').Select(l => NodePrefixRegex().Replace(l, ""));
        return ParseMeminfo(string.Join('\n', lines));
    }

    // "online" is a CPU list such as "0-15". Without it (or when it is malformed), every cpuN directory whose own
    // "online" file does not say 0 counts; cpu0 often has no such file because it cannot be taken offline.
    private IReadOnlyList<int> OnlineCpuIds()
    {
        if (ParseCpuList(_root.ReadAttribute($"{CpuDir}/online")) is { } online)
        {
            return online;
        }

        var ids = new List<int>();
        foreach (var name in _root.ListDirectory(CpuDir))
        {
            if (CpuDirRegex().Match(name) is { Success: true } m
                && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && _root.ReadAttribute($"{CpuDir}/{name}/online") != "0")
            {
                ids.Add(id);
            }
        }

        ids.Sort();
        return ids;
    }

    // cache/index0..3 are L1d, L1i, L2 and L3 on x86, but the index numbering is not an ABI: match on "level" and skip
    // instruction caches (Documentation/ABI/testing/sysfs-devices-system-cpu, "cache/index*/").
    private IReadOnlyList<int>? ReadSharedCpus(string cpuDir, string level)
    {
        var cacheDir = $"{cpuDir}/cache";
        foreach (var name in _root.ListDirectory(cacheDir))
        {
            if (!name.StartsWith("index", StringComparison.Ordinal)
                || _root.ReadAttribute($"{cacheDir}/{name}/level") != level
                || _root.ReadAttribute($"{cacheDir}/{name}/type") == "Instruction")
            {
                continue;
            }

            return ParseCpuList(_root.ReadAttribute($"{cacheDir}/{name}/shared_cpu_list"));
        }

        return null;
    }

    // physical_package_id and die_id read -1 where the platform does not report them.
    private static int? NonNegative(int? value) => value is >= 0 ? value : null;

    [GeneratedRegex(@"^cpu(\d{1,6})$", RegexOptions.CultureInvariant)]
    private static partial Regex CpuDirRegex();

    [GeneratedRegex(@"^node(\d{1,5})$", RegexOptions.CultureInvariant)]
    private static partial Regex NodeDirRegex();

    [GeneratedRegex(@"^Node\s+\d+\s+", RegexOptions.CultureInvariant)]
    private static partial Regex NodePrefixRegex();
}
