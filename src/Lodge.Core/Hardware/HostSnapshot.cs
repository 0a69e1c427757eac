namespace Lodge.Core.Hardware;

/// <summary>Everything Lodge knows about a host, read once by the scanner. Immutable; every analysis is a pure function of it.</summary>
public sealed record HostSnapshot
{
    public IReadOnlyList<PciDevice> PciDevices { get; init; } = [];

    public IReadOnlyList<IommuGroup> IommuGroups { get; init; } = [];

    /// <summary>True when the kernel shows IOMMU groups; null when <c>/sys/kernel</c> itself is missing from the tree.</summary>
    public bool? IommuEnabled { get; init; }

    public KernelInfo Kernel { get; init; } = new();

    public CpuInfo Cpu { get; init; } = new();

    public CpuTopology Topology { get; init; } = new();

    public MemoryInfo Memory { get; init; } = new();

    public IReadOnlyList<UsbController> UsbControllers { get; init; } = [];

    public IReadOnlyList<InputDevice> InputDevices { get; init; } = [];

    public DisplayState Display { get; init; } = new();

    public HostTools Tools { get; init; } = new();

    public IReadOnlyList<FirmwareDescriptor> Firmware { get; init; } = [];

    public BootInfo Boot { get; init; } = new();

    /// <summary>Sound servers of logged-in users; null when the tree holds no /run to look in.</summary>
    public IReadOnlyList<SoundServer>? SoundServers { get; init; }

    /// <summary>Board and BIOS identity.</summary>
    public DmiInfo Dmi { get; init; } = new();

    /// <summary>ACPI tables, chassis, battery and GPU MUX.</summary>
    public PlatformFacts Platform { get; init; } = new();

    /// <summary>Finds a device by address, or null.</summary>
    public PciDevice? FindDevice(PciAddress address)
    {
        foreach (var d in PciDevices)
        {
            if (d.Address == address)
            {
                return d;
            }
        }

        return null;
    }

    /// <summary>Finds a group by id, or null.</summary>
    public IommuGroup? FindGroup(int id)
    {
        foreach (var g in IommuGroups)
        {
            if (g.Id == id)
            {
                return g;
            }
        }

        return null;
    }
}
