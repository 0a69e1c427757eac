using System.Globalization;
using System.Text.RegularExpressions;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>The host console: vtconsoles, firmware framebuffers and the display manager unit.</summary>
/// <remarks>
/// vtconsoles follow Documentation/ABI/testing/sysfs-class-vtconsole (<c>name</c>, <c>bind</c>). A platform driver's
/// directory lists each bound device as a link to the device (Documentation/ABI/testing/sysfs-bus-platform) next to
/// the <c>bind</c>, <c>unbind</c>, <c>uevent</c> files and a <c>module</c> link.
/// </remarks>
public sealed partial class SysfsScanner
{
    private const string VtConsoleDir = "/sys/class/vtconsole";
    private const string PlatformDriversDir = "/sys/bus/platform/drivers";
    private const string DisplayManagerUnit = "/etc/systemd/system/display-manager.service";

    // efi-framebuffer (efifb), simple-framebuffer (simpledrm or simplefb: both register under this name), vesa-framebuffer (vesafb).
    private static readonly string[] FramebufferDrivers = ["efi-framebuffer", "simple-framebuffer", "vesa-framebuffer"];

    private DisplayState ScanDisplay() => new()
    {
        VtConsoles = ReadVtConsoles(),
        Framebuffers = ReadFramebuffers(),
        DisplayManager = ReadDisplayManager(),
    };

    // name: "(S) dummy device" or "(M) frame buffer device"; bind: "1" or "0".
    private IReadOnlyList<VtConsole> ReadVtConsoles()
    {
        var consoles = new List<(int Number, VtConsole Console)>();
        foreach (var name in _root.ListDirectory(VtConsoleDir))
        {
            if (VtConsoleRegex().Match(name) is not { Success: true } m
                || !int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            var dir = HostRoot.Combine(VtConsoleDir, name);
            bool? bound = _root.ReadAttribute($"{dir}/bind") switch { "1" => true, "0" => false, _ => null };
            consoles.Add((number, new VtConsole(name, NullIfEmpty(_root.ReadAttribute($"{dir}/name")), bound)));
        }

        return consoles.OrderBy(c => c.Number).Select(c => c.Console).ToList();
    }

    private IReadOnlyList<Framebuffer> ReadFramebuffers()
    {
        var result = new List<Framebuffer>();
        foreach (var driver in FramebufferDrivers)
        {
            var dir = HostRoot.Combine(PlatformDriversDir, driver);
            foreach (var name in _root.ListDirectory(dir))
            {
                // A bound device is a link into /sys/devices (../../../../devices/platform/efi-framebuffer.0);
                // "module" is a link too, but into /sys/module.
                var target = _root.ReadLink(HostRoot.Combine(dir, name));
                if (target is not null && name != "module" && target.Contains("devices/", StringComparison.Ordinal))
                {
                    result.Add(new Framebuffer(name, driver));
                }
            }
        }

        return result;
    }

    // /etc/systemd/system/display-manager.service -> /lib/systemd/system/gdm3.service: the alias systemctl enable
    // writes. A link to /dev/null is a masked unit (no display manager); a plain file there is a unit of its own.
    private string? ReadDisplayManager()
    {
        var target = _root.ReadLink(DisplayManagerUnit);
        if (target is null)
        {
            return _root.Exists(DisplayManagerUnit) ? HostRoot.NameOf(DisplayManagerUnit) : null;
        }

        if (HostRoot.Normalize(target) == "/dev/null")
        {
            return null;
        }

        var name = HostRoot.NameOf(target.TrimEnd('/'));
        return name.Length == 0 ? null : name;
    }

    [GeneratedRegex(@"^vtcon(\d{1,6})$", RegexOptions.CultureInvariant)]
    private static partial Regex VtConsoleRegex();
}
