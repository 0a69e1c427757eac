using System.Globalization;
using System.Text.RegularExpressions;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>CPU topology: online CPUs, their package/die/core, SMT siblings, L3 domains and hybrid core types.</summary>
/// <remarks>Attributes follow Documentation/ABI/stable/sysfs-devices-system-cpu and Documentation/ABI/testing/sysfs-devices-system-cpu.</remarks>
public sealed partial class SysfsScanner
{
    private const string CpuDir = "/sys/devices/system/cpu";

    private CpuTopology ScanTopology()
    {
        var ids = OnlineCpuIds();
        var performance = ParseCpuList(_root.ReadAttribute("/sys/devices/cpu_core/cpus"))?.ToHashSet();
        var efficiency = ParseCpuList(_root.ReadAttribute("/sys/devices/cpu_atom/cpus"))?.ToHashSet();

        var cpus = new List<LogicalCpu>(ids.Count);
        foreach (var id in ids)
        {
            var dir = $"{CpuDir}/cpu{id}";
            CpuCoreType? type = performance?.Contains(id) == true ? CpuCoreType.Performance
                : efficiency?.Contains(id) == true ? CpuCoreType.Efficiency
                : null;
            cpus.Add(new LogicalCpu(
                id,
                NonNegative(ParseInt(_root.ReadAttribute($"{dir}/topology/physical_package_id"))),
                NonNegative(ParseInt(_root.ReadAttribute($"{dir}/topology/die_id"))),
                NonNegative(ParseInt(_root.ReadAttribute($"{dir}/topology/core_id"))),
                ParseCpuList(_root.ReadAttribute($"{dir}/topology/thread_siblings_list")) ?? [],
                ReadL3SharedCpus(dir),
                type));
        }

        return new CpuTopology { Cpus = cpus };
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

    // cache/index0..3 are L1d, L1i, L2 and L3 on x86, but the index numbering is not an ABI: match on "level".
    private IReadOnlyList<int>? ReadL3SharedCpus(string cpuDir)
    {
        var cacheDir = $"{cpuDir}/cache";
        foreach (var name in _root.ListDirectory(cacheDir))
        {
            if (!name.StartsWith("index", StringComparison.Ordinal) || _root.ReadAttribute($"{cacheDir}/{name}/level") != "3")
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
}
