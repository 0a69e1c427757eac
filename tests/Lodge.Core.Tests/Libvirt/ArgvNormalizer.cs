using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lodge.Core.Tests.Libvirt;

/// <summary>Turns a QEMU argv (Lodge's, or libvirt's from <c>virsh domxml-to-native</c>) into a set of comparable
/// facts, one per option property: <c>-device virtio-blk-pci@0x10 bootindex=1</c>.</summary>
/// <remarks>
/// What is normalised away: the order of options; JSON against key=value syntax; ids and the references to them
/// (drive, netdev, chardev, memdev, fsdev, audiodev, tpmdev, iothread, node names), since each side names its objects
/// its own way; bus names, replaced by the address of the device that provides the bus; <c>hv_x</c> against
/// <c>hv-x</c>, <c>+x</c> and bare flags against <c>x=on</c>; numbers in hex or decimal; a trailing M on sizes;
/// and case-specific paths (the machine name, Lodge's run folder, libvirt's domain folder).
/// </remarks>
internal static partial class ArgvNormalizer
{
    private static readonly HashSet<string> References = new(StringComparer.Ordinal)
    {
        "id", "drive", "netdev", "chardev", "memdev", "fsdev", "audiodev", "tpmdev", "iothread", "node-name", "file", "memory-backend",
    };

    // The first, key-less element of each option's value names its kind.
    private static readonly Dictionary<string, string> Kinds = new(StringComparer.Ordinal)
    {
        ["-device"] = "driver", ["-object"] = "qom-type", ["-netdev"] = "type", ["-machine"] = "type", ["-cpu"] = "model",
        ["-audiodev"] = "driver", ["-fsdev"] = "fsdriver", ["-chardev"] = "backend", ["-tpmdev"] = "type", ["-name"] = "guest",
        ["-display"] = "type", ["-sandbox"] = "enable", ["-smp"] = "cpus", ["-m"] = "mib", ["-vnc"] = "vnc",
        ["-accel"] = "accel", ["-serial"] = "serial", ["-qmp"] = "qmp", ["-mon"] = "mon", ["-overcommit"] = "overcommit",
        ["-smbios"] = "smbios", ["-uuid"] = "uuid", ["-boot"] = "boot", ["-msg"] = "msg", ["-rtc"] = "rtc",
        ["-global"] = "global", ["-drive"] = "drive", ["-blockdev"] = "driver",
    };

    /// <summary>The facts of <paramref name="argv"/> (argv[0] is the binary), with <paramref name="replacements"/>
    /// applied to every value first.</summary>
    public static SortedSet<string> Facts(IReadOnlyList<string> argv, IReadOnlyList<(string From, string To)> replacements)
    {
        var options = new List<(string Option, List<(string Key, string Value)> Props)>();
        for (var i = 1; i < argv.Count; i++)
        {
            var option = argv[i] == "-M" ? "-machine" : argv[i];
            var value = i + 1 < argv.Count && !argv[i + 1].StartsWith('-') ? argv[++i] : null;
            foreach (var (from, to) in replacements)
            {
                value = value?.Replace(from, to, StringComparison.Ordinal);
            }

            if (option == "-cpu")
            {
                // QEMU takes the last -cpu (macOS's in qemu:commandline comes after libvirt's own).
                options.RemoveAll(o => o.Option == "-cpu");
            }

            options.Add((option, value is null ? [] : Props(option, value)));
        }

        // Buses: a device's bus becomes the address of the device providing it ("rp0" and "pci.1" are both "@0x2").
        var where = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (option, props) in options.Where(o => o.Option == "-device"))
        {
            if (Get(props, "id") is { } id)
            {
                where[id] = Location(props, where);
                where[id + ".0"] = where[id];
            }
        }

        var facts = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (option, props) in options)
        {
            var kind = Kinds.GetValueOrDefault(option);
            var head = option;
            if (option == "-device")
            {
                head = $"-device {Get(props, "driver")}{Location(props, where)}";
            }
            else if (kind is not null && Get(props, kind) is { } k && option is "-object" or "-netdev" or "-audiodev" or "-chardev" or "-fsdev" or "-tpmdev")
            {
                head = $"{option} {k}";
            }

            var n = seen[head] = seen.GetValueOrDefault(head) + 1;
            if (n > 1 && option is "-device" or "-object")
            {
                head += $"#{n}";
            }

            facts.Add(head);
            foreach (var (key, value) in props)
            {
                if (References.Contains(key) || key is "bus" or "addr" || (key == "driver" && option == "-device") || (key == kind && head != option))
                {
                    continue;
                }

                facts.Add($"{head} {key}={value}");
            }
        }

        facts.UnionWith(Images(options, where));
        return facts;
    }

    /// <summary>What each guest disk and firmware slot opens, whichever way the argv spells it (Lodge's <c>-drive</c>,
    /// libvirt's <c>-blockdev</c> format node over a file node): <c>image -device virtio-blk-pci@10.0 file=PATH</c>,
    /// its <c>format=</c> and <c>read-only=on</c>; the slots <c>pflash0</c>/<c>pflash1</c> for firmware. Option facts
    /// alone could not see a swapped or wrong path: the two spellings never compare there.</summary>
    private static IEnumerable<string> Images(List<(string Option, List<(string Key, string Value)> Props)> options, Dictionary<string, string> where)
    {
        // What a drive id or a node name opens: (file, format, read-only); a format node names its file node.
        var opened = new Dictionary<string, (string? File, string? Format, bool ReadOnly)>(StringComparer.Ordinal);
        var pflash = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (option, props) in options)
        {
            if (option == "-drive")
            {
                var key = Get(props, "if") == "pflash" ? "pflash" + (Get(props, "unit") ?? "0") : Get(props, "id");
                if (key is not null)
                {
                    opened[key] = (Get(props, "file"), Get(props, "format"), Get(props, "readonly") == "on");
                    if (key.StartsWith("pflash", StringComparison.Ordinal))
                    {
                        pflash[key] = key;
                    }
                }
            }
            else if (option == "-blockdev" && Get(props, "node-name") is { } node)
            {
                opened[node] = Get(props, "driver") is "file" or "host_device" or "host_cdrom"
                    ? (Get(props, "filename"), null, Get(props, "read-only") == "on")
                    : (Get(props, "file"), Get(props, "driver"), Get(props, "read-only") == "on");
            }
            else if (option == "-machine")
            {
                foreach (var (k, v) in props.Where(p => p.Key is "pflash0" or "pflash1"))
                {
                    pflash[k] = v;
                }
            }
        }

        (string? File, string? Format, bool ReadOnly) Resolve(string name)
        {
            var (file, format, readOnly) = opened.GetValueOrDefault(name);
            // A format node's "file" is the name of the node below it, not a path.
            if (format is not null && file is not null && opened.TryGetValue(file, out var below) && below.Format is null)
            {
                return (below.File, format, readOnly || below.ReadOnly);
            }

            return (file, format, readOnly);
        }

        var users = options.Where(o => o.Option == "-device" && Get(o.Props, "drive") is not null)
            .Select(o => ($"-device {Get(o.Props, "driver")}{Location(o.Props, where)}", Get(o.Props, "drive")!))
            .Concat(pflash.Select(kv => (kv.Key, kv.Value)));
        foreach (var (user, name) in users)
        {
            var (file, format, readOnly) = Resolve(name);
            yield return $"image {user} file={file ?? "(none)"}";
            yield return $"image {user} format={format ?? "(probed)"}";
            if (readOnly)
            {
                yield return $"image {user} read-only=on";
            }
        }
    }

    /// <summary>Splits <c>virsh domxml-to-native</c>'s one line into words, honouring its single quotes.</summary>
    public static List<string> SplitShell(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line.Trim())
        {
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c is ' ' or '\n' && !quoted)
            {
                if (any || current.Length > 0)
                {
                    words.Add(current.ToString());
                }

                current.Clear();
                any = false;
            }
            else if (!(c == '\\' && !quoted))
            {
                current.Append(c);
            }
        }

        if (any || current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    private static string Location(List<(string Key, string Value)> props, Dictionary<string, string> where)
    {
        var addr = Get(props, "addr");
        if (addr is null)
        {
            var bus = Get(props, "bus");
            return bus is null ? "" : "@" + (where.TryGetValue(bus, out var b) ? b.TrimStart('@') : bus);
        }

        var busName = Get(props, "bus") ?? "pcie.0";
        var prefix = busName == "pcie.0" ? "" : (where.TryGetValue(busName, out var parent) ? parent.TrimStart('@') : busName) + "/";
        return "@" + prefix + Address(addr);
    }

    // "0x0.0x1", "0.1", "0x10" → "00.1" / "10.0"
    private static string Address(string addr)
    {
        var parts = addr.Split('.');
        int Hex(string s) => int.Parse(s.StartsWith("0x", StringComparison.Ordinal) ? s[2..] : s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{Hex(parts[0]):x2}.{(parts.Length > 1 ? Hex(parts[1]) : 0)}");
    }

    private static string? Get(List<(string Key, string Value)> props, string key) => props.FirstOrDefault(p => p.Key == key).Value;

    private static List<(string Key, string Value)> Props(string option, string value)
    {
        var props = new List<(string, string)>();
        if (value.StartsWith('{'))
        {
            using var doc = JsonDocument.Parse(value);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                props.Add((p.Name, Value(p.Name, p.Value.ValueKind switch
                {
                    JsonValueKind.True => "on",
                    JsonValueKind.False => "off",
                    JsonValueKind.String => p.Value.GetString()!,
                    _ => p.Value.GetRawText(),
                })));
            }

            return props;
        }

        var first = true;
        foreach (var part in value.Replace(",,", "\u0001", StringComparison.Ordinal).Split(','))
        {
            var item = part.Replace('\u0001', ',');
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (first && eq < 0 && Kinds.TryGetValue(option, out var kind))
            {
                props.Add((kind, Value(kind, item)));
            }
            else if (eq < 0)
            {
                var flag = item.TrimStart('+');
                props.Add((Key(option, item.StartsWith('-') ? flag[1..] : flag), item.StartsWith('-') ? "off" : "on"));
            }
            else
            {
                var key = Key(option, item[..eq]);
                props.Add((key, Value(key, item[(eq + 1)..])));
            }

            first = false;
        }

        return props;
    }

    private static string Key(string option, string key) => option == "-cpu" && key.StartsWith("hv_", StringComparison.Ordinal) ? key.Replace('_', '-') : key;

    private static string Value(string key, string value)
    {
        if (key == "addr")
        {
            return value;
        }

        if (key is "size" or "hugetlbsize" && SizeSuffix().Match(value) is { Success: true } m)
        {
            var shift = m.Groups[2].Value switch { "K" => 10, "M" => 20, "G" => 30, _ => 0 };
            return (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) << shift).ToString(CultureInfo.InvariantCulture);
        }

        if (HexNumber().IsMatch(value))
        {
            return long.Parse(value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        }

        return value is "true" or "yes" ? "on" : value is "false" or "no" ? "off" : MegaBytes().IsMatch(value) ? value.TrimEnd('M') : value;
    }

    [GeneratedRegex("^0x[0-9a-fA-F]+$")]
    private static partial Regex HexNumber();

    [GeneratedRegex("^([0-9]+)([KMG])$")]
    private static partial Regex SizeSuffix();

    [GeneratedRegex("^[0-9]+M$")]
    private static partial Regex MegaBytes();
}
