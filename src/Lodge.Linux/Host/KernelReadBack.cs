using Lodge.Core.Hardware;

namespace Lodge.Linux.Host;

/// <summary>Reads back, through the kernel's own files, what an undo restored: a device's driver and driver_override, a
/// vtconsole's bind, a bound framebuffer.</summary>
/// <remarks>
/// A write the kernel accepts is not always a write it acts on: in the lab (6.1), <c>echo 1 &gt; vtcon0/bind</c> returned
/// success and vtcon0 stayed unbound. So the way back checks each restored fact here before the journal may end clean.
/// Production reads below the host's root; the simulated kernel's tree is read the same way (a <see cref="HostRoot"/> on
/// its copy). Every answer is null when the file is missing or unreadable: unknown is never taken for "as it should be".
/// </remarks>
public sealed class KernelReadBack(string rootPath)
{
    /// <summary>Reads below <paramref name="root"/>'s path.</summary>
    public KernelReadBack(HostRoot root)
        : this((root ?? throw new ArgumentNullException(nameof(root))).Path)
    {
    }

    // A fresh root for every read: HostRoot caches directory listings, and a read-back must see the kernel as it is now.
    private HostRoot Root => new(rootPath);

    /// <summary>The driver bound to <paramref name="address"/> (the <c>driver</c> link's name); null when none.</summary>
    public string? DriverOf(PciAddress address) => Root.ReadLinkName($"/sys/bus/pci/devices/{HostNames.Address(address)}/driver");

    /// <summary>Whether <paramref name="address"/> exists as a PCI device.</summary>
    public bool HasDevice(PciAddress address) => Root.DirectoryExists($"/sys/bus/pci/devices/{HostNames.Address(address)}");

    /// <summary>The device's <c>driver_override</c>; null when cleared (<c>(null)</c>) or unreadable.</summary>
    public string? DriverOverrideOf(PciAddress address) =>
        Root.ReadAttribute($"/sys/bus/pci/devices/{HostNames.Address(address)}/driver_override") is { } text && text != "(null)" && text.Length > 0 ? text : null;

    /// <summary>Each PCI driver's module, from its <c>/sys/bus/pci/drivers/NAME/module</c> link.</summary>
    public IReadOnlyDictionary<string, string> DriverModules()
    {
        var root = Root;
        var modules = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var driver in root.ListDirectory("/sys/bus/pci/drivers"))
        {
            if (root.ReadLinkName($"/sys/bus/pci/drivers/{driver}/module") is { Length: > 0 } module)
            {
                modules[driver] = module;
            }
        }

        return modules;
    }

    /// <summary>Whether vtconsole <paramref name="id"/> is bound (<c>bind</c> reads 1); null when unreadable.</summary>
    public bool? VtConsoleBound(string id) => Root.ReadAttribute($"/sys/class/vtconsole/{HostNames.VtConsole(id)}/bind") switch
    {
        "1" => true,
        "0" => false,
        _ => null,
    };

    /// <summary>Whether the framebuffer device is bound to its platform driver.</summary>
    public bool FramebufferBound(Framebuffer framebuffer)
    {
        var fb = HostNames.Framebuffer(framebuffer);
        return Root.ReadLink($"/sys/bus/platform/drivers/{fb.Driver}/{fb.Device}") is not null;
    }
}
