using System.Globalization;

namespace Lodge.Core.Machines;

/// <summary>The kernel's CPU list format, as in <c>cpuset.cpus</c> and <c>isolcpus</c>: <c>4-11,16-23</c>.</summary>
public static class CpuList
{
    /// <summary>Parses a list of CPU numbers and ranges; false when any part is malformed or a range runs backwards.</summary>
    public static bool TryParse(string text, out IReadOnlyList<int> cpus)
    {
        var result = new SortedSet<int>();
        cpus = [];
        foreach (var part in text.Split(','))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = dash < 0 ? part : part[..dash];
            var last = dash < 0 ? part : part[(dash + 1)..];
            if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                || to < from || to > 8191)
            {
                return false;
            }

            for (var cpu = from; cpu <= to; cpu++)
            {
                result.Add(cpu);
            }
        }

        cpus = [.. result];
        return true;
    }
}
