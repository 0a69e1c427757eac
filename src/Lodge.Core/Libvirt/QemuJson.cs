using System.Globalization;
using System.Text;
using Lodge.Core.Machines;

namespace Lodge.Core.Libvirt;

/// <summary>Turns <c>qemu_args</c> into what may go into <c>&lt;qemu:commandline&gt;</c>: devices in QEMU's JSON form,
/// a few options libvirt leaves alone as they are, and a clear refusal for the rest.</summary>
/// <remarks>
/// libvirt 9.0 writes its own devices as JSON; a plain <c>-device</c> string among them can take a PCI slot libvirt
/// has given away ("slot 1 in use"). QEMU reads JSON devices strictly typed, so values are typed the way QEMU's
/// options are: <c>on</c>/<c>off</c>/<c>true</c>/<c>false</c> become booleans, plain decimal numbers numbers, and
/// everything else (and every id, bus, address, serial and path) a string.
/// </remarks>
public static class QemuJson
{
    // Options that only add to what libvirt writes, so they are safe at the end of its command line.
    private static readonly HashSet<string> Passed = new(StringComparer.Ordinal) { "-global", "-smbios", "-fw_cfg", "-boot", "-set", "-msg" };

    // Properties whose values are strings even when they look like numbers.
    private static readonly HashSet<string> Strings = new(StringComparer.Ordinal) { "driver", "id", "bus", "addr", "serial", "drive", "netdev", "chardev", "fsdev", "memdev", "audiodev", "romfile", "host", "osk", "mount_tag", "tag", "wwn", "mac" };

    /// <summary>The <c>qemu_args</c> of <paramref name="machine"/> for <c>&lt;qemu:commandline&gt;</c>.</summary>
    /// <exception cref="ConfigException">An option that cannot go into libvirt XML safely.</exception>
    public static IReadOnlyList<string> CommandLine(MachineConfig machine)
    {
        var result = new List<string>();
        var args = machine.QemuArgs;
        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            var value = i + 1 < args.Count && !args[i + 1].StartsWith('-') ? args[i + 1] : null;
            if (option == "-device" && value is not null)
            {
                result.AddRange(["-device", value.StartsWith('{') ? value : Device(value)]);
                i++;
            }
            else if (Passed.Contains(option))
            {
                result.Add(option);
                if (value is not null)
                {
                    result.Add(value);
                    i++;
                }
            }
            else
            {
                throw new ConfigException($"The qemu_args option '{option}' of '{machine.Name}' cannot go into libvirt XML safely: libvirt writes that part of the command line itself.")
                {
                    Hint = "Remove it from qemu_args to export, and express it in the exported XML with libvirt's own elements; only -device, -global, -smbios, -fw_cfg, -boot, -set and -msg are carried over.",
                };
            }
        }

        return result;
    }

    /// <summary>A <c>-device</c> value (<c>virtio-rng-pci,addr=0x1e</c>) in QEMU's JSON form.</summary>
    public static string Device(string value)
    {
        var parts = Split(value);
        var json = new StringBuilder("{\"driver\":").Append(Quote(parts[0]));
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var (key, v) = eq < 0 ? (part, "on") : (part[..eq], part[(eq + 1)..]);
            json.Append(',').Append(Quote(key)).Append(':').Append(Typed(key, v));
        }

        return json.Append('}').ToString();
    }

    private static string Typed(string key, string value)
    {
        if (Strings.Contains(key))
        {
            return Quote(value);
        }

        return value switch
        {
            "on" or "true" or "yes" => "true",
            "off" or "false" or "no" => "false",
            _ when value.Length is > 0 and < 19 && value.All(char.IsAsciiDigit) => long.Parse(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            _ => Quote(value),
        };
    }

    // QEMU's option syntax: a comma separates, a doubled comma is a literal one.
    private static List<string> Split(string value)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == ',' && i + 1 < value.Length && value[i + 1] == ',')
            {
                current.Append(',');
                i++;
            }
            else if (value[i] == ',')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(value[i]);
            }
        }

        parts.Add(current.ToString());
        return parts;
    }

    private static string Quote(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var c in s)
        {
            _ = c switch
            {
                '"' => b.Append("\\\""),
                '\\' => b.Append("\\\\"),
                < ' ' => b.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => b.Append(c),
            };
        }

        return b.Append('"').ToString();
    }
}
