namespace Lodge.Core.Hardware;

/// <summary>One PCI function as the scanner found it. A null property means the fact is unknown.</summary>
/// <remarks>Attributes follow Documentation/ABI/testing/sysfs-bus-pci.</remarks>
public sealed record PciDevice
{
    public required PciAddress Address { get; init; }

    public ushort? VendorId { get; init; }

    public ushort? DeviceId { get; init; }

    public ushort? SubsystemVendorId { get; init; }

    public ushort? SubsystemDeviceId { get; init; }

    public PciClass? Class { get; init; }

    public byte? Revision { get; init; }

    /// <summary>The bound driver's name, or null when unbound or unknown (see <see cref="DriverKnown"/>).</summary>
    public string? Driver { get; init; }

    /// <summary>False when the tree cannot say whether a driver is bound (a dump without driver links).</summary>
    public bool DriverKnown { get; init; } = true;

    /// <summary>The contents of <c>driver_override</c>, or null when empty or absent.</summary>
    public string? DriverOverride { get; init; }

    public int? IommuGroup { get; init; }

    /// <summary><c>boot_vga</c>; the kernel writes it for VGA-class devices only.</summary>
    public bool? BootVga { get; init; }

    /// <summary>The methods listed in <c>reset_method</c>; empty when the device has none; null when unknown.</summary>
    public IReadOnlyList<string>? ResetMethods { get; init; }

    /// <summary>Whether the write-only <c>reset</c> file exists; null when the tree cannot tell.</summary>
    public bool? HasResetFile { get; init; }

    /// <summary>Bridges from the root complex down to this device's parent, nearest the root first.</summary>
    public IReadOnlyList<PciAddress> ParentBridges { get; init; } = [];

    public int? NumaNode { get; init; }

    /// <summary>Whether a ROM BAR (<c>rom</c> file) exists; null when the tree cannot tell.</summary>
    public bool? HasRom { get; init; }

    public int? SriovTotalVfs { get; init; }

    public int? SriovNumVfs { get; init; }

    public IReadOnlyList<MdevType> MdevTypes { get; init; } = [];

    /// <summary>What the configuration space says about PCIe and ACS; null when <c>config</c> is missing.</summary>
    public PciConfigInfo? Config { get; init; }

    /// <summary>The video BIOS version when the driver shows it (amdgpu's <c>vbios_version</c>), else null.</summary>
    public string? VbiosVersion { get; init; }

    public string? VendorName { get; init; }

    public string? DeviceName { get; init; }

    public string? SubsystemName { get; init; }

    /// <summary>Vendor and device name for display, or the ids when the names are unknown.</summary>
    public string DisplayName =>
        DeviceName is not null
            ? (VendorName is not null ? $"{VendorName} {DeviceName}" : DeviceName)
            : $"[{VendorId?.ToString("x4") ?? "????"}:{DeviceId?.ToString("x4") ?? "????"}]";
}
