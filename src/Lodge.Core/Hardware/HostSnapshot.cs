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
    /// <remarks>Large hosts are looked up through an index built on first use (the analyses ask per group member).</remarks>
    public PciDevice? FindDevice(PciAddress address)
    {
        if (PciDevices.Count > IndexThreshold)
        {
            return _index.Devices(PciDevices).GetValueOrDefault(address);
        }

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
        if (IommuGroups.Count > IndexThreshold)
        {
            return _index.Groups(IommuGroups).GetValueOrDefault(id);
        }

        foreach (var g in IommuGroups)
        {
            if (g.Id == id)
            {
                return g;
            }
        }

        return null;
    }

    private const int IndexThreshold = 32;

    // Not part of the record's value: equal for every snapshot, and rebuilt when a 'with' copy changed the lists.
    private readonly LookupIndex _index = new();

    private sealed class LookupIndex
    {
        // Reference types, so a reader on another thread sees a whole pair or none.
        private Tuple<IReadOnlyList<PciDevice>, Dictionary<PciAddress, PciDevice>>? _devices;
        private Tuple<IReadOnlyList<IommuGroup>, Dictionary<int, IommuGroup>>? _groups;

        public Dictionary<PciAddress, PciDevice> Devices(IReadOnlyList<PciDevice> source)
        {
            if (_devices is { } d && ReferenceEquals(d.Item1, source))
            {
                return d.Item2;
            }

            var map = new Dictionary<PciAddress, PciDevice>(source.Count);
            foreach (var device in source)
            {
                map.TryAdd(device.Address, device); // the first wins, as the linear search did
            }

            _devices = Tuple.Create(source, map);
            return map;
        }

        public Dictionary<int, IommuGroup> Groups(IReadOnlyList<IommuGroup> source)
        {
            if (_groups is { } g && ReferenceEquals(g.Item1, source))
            {
                return g.Item2;
            }

            var map = new Dictionary<int, IommuGroup>(source.Count);
            foreach (var group in source)
            {
                map.TryAdd(group.Id, group);
            }

            _groups = Tuple.Create(source, map);
            return map;
        }

        public override bool Equals(object? obj) => obj is LookupIndex;

        public override int GetHashCode() => 0;
    }
}
