using System.Globalization;
using System.Text.RegularExpressions;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>Memory totals from <c>/proc/meminfo</c> and the hugepage pools under <c>/sys/kernel/mm/hugepages</c>.</summary>
/// <remarks>Pools follow Documentation/ABI/testing/sysfs-kernel-mm-hugepages and Documentation/admin-guide/mm/hugetlbpage.rst.</remarks>
public sealed partial class SysfsScanner
{
    private const string HugePagesDir = "/sys/kernel/mm/hugepages";

    private MemoryInfo ScanMemory()
    {
        var meminfo = ParseMeminfo(_root.ReadText("/proc/meminfo"));
        var pools = ScanHugePagePools(HugePagesDir);
        return new MemoryInfo
        {
            TotalKiB = meminfo.GetValueOrDefault("MemTotal"),
            AvailableKiB = meminfo.GetValueOrDefault("MemAvailable"),
            DefaultHugePageKiB = meminfo.GetValueOrDefault("Hugepagesize"),
            HugePages = pools,
        };
    }

    // hugepages-2048kB/{nr_hugepages,free_hugepages}: the global pools and, with the same names, each node's own.
    private List<HugePagePool> ScanHugePagePools(string dir)
    {
        var pools = new List<HugePagePool>();
        foreach (var name in _root.ListDirectory(dir))
        {
            if (HugePageDirRegex().Match(name) is not { Success: true } m
                || !long.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var sizeKiB))
            {
                continue;
            }

            pools.Add(new HugePagePool(
                sizeKiB,
                ParseLong(_root.ReadAttribute($"{dir}/{name}/nr_hugepages")),
                ParseLong(_root.ReadAttribute($"{dir}/{name}/free_hugepages"))));
        }

        pools.Sort((a, b) => a.PageSizeKiB.CompareTo(b.PageSizeKiB));
        return pools;
    }

    // /proc/meminfo (Documentation/filesystems/proc.rst, "meminfo"); sizes are in kB, counts have no unit:
    //   MemTotal:       131981020 kB
    //   MemAvailable:   131466692 kB
    //   HugePages_Total:       0
    //   Hugepagesize:       2048 kB
    internal static IReadOnlyDictionary<string, long?> ParseMeminfo(string? text)
    {
        var result = new Dictionary<string, long?>(StringComparer.Ordinal);
        if (text is null)
        {
            return result;
        }

        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var value = line[(colon + 1)..].Trim();
            if (value.EndsWith(" kB", StringComparison.Ordinal))
            {
                value = value[..^3].TrimEnd();
            }

            result.TryAdd(line[..colon].Trim(), ParseLong(value));
        }

        return result;
    }

    [GeneratedRegex(@"^hugepages-(\d{1,12})kB$", RegexOptions.CultureInvariant)]
    private static partial Regex HugePageDirRegex();
}
