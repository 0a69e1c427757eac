namespace Lodge.Core.Machines;

/// <summary>A guest as its TOML file describes it, with defaults filled in and the place of every key.</summary>
/// <remarks>
/// Keys are a contract (issue 3): <c>os</c>, <c>qemu_args</c>, <c>[cpu]</c>, <c>[memory]</c>, <c>[firmware]</c>,
/// <c>[[disk]]</c>, <c>[network]</c>, <c>[display]</c>, <c>[gpu]</c>, <c>[[usb]]</c>, <c>[input]</c>, <c>[audio]</c>,
/// <c>[[share]]</c> and <c>[macos]</c>. Built by <see cref="MachineParser"/>; checked against a host by
/// <see cref="MachineValidator"/>.
/// </remarks>
/// <param name="Name">The file name without <c>.toml</c>.</param>
/// <param name="File">The file as it is named in problems.</param>
public sealed record MachineConfig(string Name, string File)
{
    public GuestOs Os { get; init; } = GuestOs.Other;

    /// <summary>The pinned QEMU machine type (<c>pc-q35-7.2</c>), so the guest's hardware stays the same across QEMU
    /// upgrades; null when the file does not pin one.</summary>
    public string? MachineType { get; init; }

    /// <summary>Appended verbatim to the QEMU command line.</summary>
    public IReadOnlyList<string> QemuArgs { get; init; } = [];

    public CpuConfig Cpu { get; init; } = new();

    public MemoryConfig Memory { get; init; } = new();

    public FirmwareConfig Firmware { get; init; } = new();

    public IReadOnlyList<DiskConfig> Disks { get; init; } = [];

    public NetworkConfig Network { get; init; } = new();

    public DisplayConfig Display { get; init; } = new();

    /// <summary>Null when the file has no <c>[gpu]</c> table.</summary>
    public GpuConfig? Gpu { get; init; }

    public IReadOnlyList<UsbConfig> Usb { get; init; } = [];

    /// <summary>True when the guest takes a PCI device of the host: a GPU (<c>[gpu]</c>, in any mode) or a USB controller.
    /// Only then do the PCI capabilities of the host's functions (ACS, Resizable BAR, ROM BAR) matter to its plan.</summary>
    public bool TakesHostPciDevices => Gpu is not null || Usb.Any(u => u.Controller is not null);

    public InputConfig Input { get; init; } = new();

    public AudioConfig Audio { get; init; } = new();

    public IReadOnlyList<ShareConfig> Shares { get; init; } = [];

    public MacOsConfig MacOs { get; init; } = new();

    /// <summary>How the watchdog tells that a guest with a passed-through GPU is healthy.</summary>
    public HealthConfig Health { get; init; } = new();

    /// <summary><c>[guest] agent = true</c>: the QEMU guest agent is installed in the guest, so Lodge adds its virtio-serial
    /// channel (<c>org.qemu.guest_agent.0</c>) and the watchdog pings it.</summary>
    public bool GuestAgent { get; init; }

    /// <summary>The default of <see cref="ShutdownTimeoutSeconds"/>: long enough for a Windows update to finish.</summary>
    public const int DefaultShutdownTimeoutSeconds = 300;

    /// <summary><c>shutdown_timeout</c>: how long a power-off through ACPI may take before Lodge asks whether to force it
    /// (seconds, default 300).</summary>
    public int ShutdownTimeoutSeconds { get; init; } = DefaultShutdownTimeoutSeconds;

    /// <summary>Where each key and table was written: <c>os</c>, <c>cpu</c>, <c>cpu.cores</c>, <c>disk[0].path</c>.</summary>
    public IReadOnlyDictionary<string, SourceLocation> Locations { get; init; } = new Dictionary<string, SourceLocation>();

    /// <summary>The place of a key; else of its table; else the start of the file.</summary>
    public SourceLocation LocationOf(string keyPath)
    {
        for (var path = keyPath; path.Length > 0;)
        {
            if (Locations.TryGetValue(path, out var location))
            {
                return location;
            }

            var dot = path.LastIndexOf('.');
            path = dot < 0 ? "" : path[..dot];
        }

        return new SourceLocation(File, 1, 1);
    }
}
