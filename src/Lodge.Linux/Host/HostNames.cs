using System.Text.RegularExpressions;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Host;

/// <summary>Checks every name before it becomes part of a host path or a command line; throws <see cref="ArgumentException"/> otherwise.</summary>
/// <remarks>A name that passes contains no '/', is never '.' or '..', and cannot start an option ('-').</remarks>
public static partial class HostNames
{
    private static readonly HashSet<string> FramebufferDrivers = new(StringComparer.Ordinal) { "efi-framebuffer", "simple-framebuffer", "vesa-framebuffer" };

    // Documentation/ABI/testing/sysfs-bus-pci, reset_method: "flr bus", "device_specific", "default".
    private static readonly HashSet<string> ResetMethods = new(StringComparer.Ordinal) { "flr", "bus", "pm", "af_flr", "acpi", "device_specific", "cxl_bus" };

    /// <summary>The kernel's name of a well-formed address (<c>0000:06:00.0</c>).</summary>
    public static string Address(PciAddress address)
    {
        var text = address.ToString();
        return PciAddress.TryParse(text, out var parsed) && parsed == address
            ? text
            : throw new ArgumentException($"'{text}' is not a PCI address such as '0000:01:00.0'.", nameof(address));
    }

    /// <summary>A driver name such as <c>vfio-pci</c>, <c>snd_hda_intel</c> or <c>nvidia</c>.</summary>
    public static string Driver(string driver) =>
        driver is not null && DriverRegex().IsMatch(driver)
            ? driver
            : throw new ArgumentException($"'{driver}' is not a driver name such as 'vfio-pci'.", nameof(driver));

    /// <summary>A module name such as <c>vfio_pci</c> or <c>nvidia-drm</c>, in the underscore form /proc/modules prints.</summary>
    public static string Module(string module) =>
        module is not null && DriverRegex().IsMatch(module)
            ? module.Replace('-', '_')
            : throw new ArgumentException($"'{module}' is not a module name such as 'vfio_pci'.", nameof(module));

    /// <summary>A systemd service name such as <c>nvidia-persistenced.service</c>.</summary>
    public static string Unit(string unit) =>
        unit is not null && unit.EndsWith(".service", StringComparison.Ordinal) && DriverRegex().IsMatch(unit)
            ? unit
            : throw new ArgumentException($"'{unit}' is not a service name such as 'nvidia-persistenced.service'.", nameof(unit));

    /// <summary>A vtconsole id such as <c>vtcon1</c>.</summary>
    public static string VtConsole(string id) =>
        id is not null && VtConsoleRegex().IsMatch(id)
            ? id
            : throw new ArgumentException($"'{id}' is not a vtconsole such as 'vtcon1'.", nameof(id));

    /// <summary>A firmware framebuffer: driver efi-framebuffer, simple-framebuffer or vesa-framebuffer, and a device <c>&lt;driver&gt;.N</c>.</summary>
    public static Framebuffer Framebuffer(Framebuffer framebuffer)
    {
        ArgumentNullException.ThrowIfNull(framebuffer);
        var ok = FramebufferDrivers.Contains(framebuffer.Driver)
            && framebuffer.Device.StartsWith(framebuffer.Driver + ".", StringComparison.Ordinal)
            && framebuffer.Device.Length > framebuffer.Driver.Length + 1
            && framebuffer.Device[(framebuffer.Driver.Length + 1)..].All(char.IsAsciiDigit);
        return ok
            ? framebuffer
            : throw new ArgumentException($"'{framebuffer.Device}' on '{framebuffer.Driver}' is not a firmware framebuffer such as 'efi-framebuffer.0' on 'efi-framebuffer'.", nameof(framebuffer));
    }

    /// <summary>A <c>reset_method</c> value: <c>default</c>, or known methods separated by single spaces.</summary>
    public static string ResetMethod(string methods)
    {
        var ok = methods == "default"
            || (methods is { Length: > 0 } && methods.Split(' ').All(ResetMethods.Contains));
        return ok ? methods : throw new ArgumentException($"'{methods}' is not a reset_method such as 'flr bus' or 'device_specific'.", nameof(methods));
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex DriverRegex();

    [GeneratedRegex(@"^vtcon[0-9]{1,6}$", RegexOptions.CultureInvariant)]
    private static partial Regex VtConsoleRegex();
}
