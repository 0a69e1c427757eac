using Lodge.Core.Machines;
using Lodge.Core.Planning;

namespace Lodge.Linux.Isolation;

/// <summary>CPU lists as text (<c>0-3,8</c>) and as systemd's AllowedCPUs byte mask (bit N of byte N/8 is CPU N).</summary>
public static class Cpus
{
    /// <summary>The kernel's list format; empty for no CPUs.</summary>
    public static string Format(IReadOnlyList<int> cpus) => MachinePlanner.FormatCpus(cpus);

    /// <summary>Parses the list format; empty text or a malformed list gives an empty list (no limit).</summary>
    public static IReadOnlyList<int> Parse(string? text) => string.IsNullOrEmpty(text) || !CpuList.TryParse(text, out var cpus) ? [] : cpus;

    /// <summary>systemd's "ay" CPU mask.</summary>
    public static byte[] ToMask(IReadOnlyList<int> cpus)
    {
        if (cpus.Count == 0)
        {
            return [];
        }

        var mask = new byte[(cpus.Max() / 8) + 1];
        foreach (var cpu in cpus)
        {
            mask[cpu / 8] |= (byte)(1 << (cpu % 8));
        }

        return mask;
    }

    /// <summary>The CPUs of systemd's "ay" mask.</summary>
    public static IReadOnlyList<int> FromMask(ReadOnlySpan<byte> mask)
    {
        var cpus = new List<int>();
        for (var i = 0; i < mask.Length * 8; i++)
        {
            if ((mask[i / 8] & (1 << (i % 8))) != 0)
            {
                cpus.Add(i);
            }
        }

        return cpus;
    }
}
