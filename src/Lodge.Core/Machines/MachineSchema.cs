namespace Lodge.Core.Machines;

/// <summary>The tables and keys a machine file may use, and the did-you-mean for the rest.</summary>
internal static class MachineSchema
{
    private static readonly Dictionary<string, string[]> Keys = new(StringComparer.Ordinal)
    {
        [""] = ["os", "machine", "qemu_args", "shutdown_timeout"],
        ["cpu"] = ["cores", "threads", "pin", "isolate"],
        ["memory"] = ["size", "hugepages"],
        ["firmware"] = ["type", "tpm"],
        ["disk"] = ["path", "size", "bus", "cdrom", "passthrough"],
        ["network"] = ["mode"],
        ["display"] = ["type", "resolution"],
        ["gpu"] = ["device", "mode", "rom", "unload_amdgpu"],
        ["usb"] = ["device", "controller", "host_keyboard"],
        ["input"] = ["evdev", "toggle"],
        ["audio"] = ["backend", "device"],
        ["share"] = ["host", "tag", "protocol", "create"],
        ["macos"] = ["opencore", "osk"],
        ["health"] = ["command", "within"],
        ["guest"] = ["agent"],
    };

    private static readonly HashSet<string> ArraySections = new(StringComparer.Ordinal) { "disk", "usb", "share" };

    public static readonly string[] SectionNames = [.. Keys.Keys.Where(k => k.Length > 0)];

    public static string SectionList => string.Join(", ", SectionNames.Select(n => ArraySections.Contains(n) ? $"[[{n}]]" : $"[{n}]"));

    public static bool IsSection(string name) => name.Length > 0 && Keys.ContainsKey(name);

    public static bool IsArraySection(string name) => ArraySections.Contains(name);

    public static IReadOnlyList<string> KeysOf(string section) => Keys.TryGetValue(section, out var keys) ? keys : [];

    /// <summary>The closest candidate within a third of the word's length in edits (at least 1, at most 3), or null.</summary>
    public static string? Suggest(string word, IEnumerable<string> candidates)
    {
        var limit = Math.Clamp(word.Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(word.ToLowerInvariant(), candidate);
            if (d <= limit && d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        return best;
    }

    /// <summary>Levenshtein distance, with a transposition counted as one edit (optimal string alignment).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
