using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>PCI devices and IOMMU groups.</summary>
public sealed partial class SysfsScanner
{
    private const string PciDevicesDir = "/sys/bus/pci/devices";
    private const string IommuGroupsDir = "/sys/kernel/iommu_groups";

    private (IReadOnlyList<PciDevice> Devices, IReadOnlyList<IommuGroup> Groups, bool? IommuEnabled) ScanPci(IdsDatabase ids, bool capabilities)
    {
        var raw = new List<RawPci>();
        foreach (var name in _root.ListDirectory(PciDevicesDir))
        {
            // Validate before the name reaches a path: only well-formed addresses are read.
            if (!PciAddress.TryParseKernelName(name, out var address))
            {
                continue;
            }

            raw.Add(ReadRawPci(address, capabilities));
        }

        // Some facts are known only when the tree carries them at all: a dump without any driver link knows no
        // drivers, and a tree where no device has reset_method never captured that attribute.
        var driversKnown = raw.Any(r => r.Driver is not null);
        var resetKnown = raw.Any(r => r.ResetMethod is not null);

        var devices = new List<PciDevice>(raw.Count);
        foreach (var r in raw)
        {
            devices.Add(BuildPciDevice(r, driversKnown, resetKnown, ids));
        }

        devices.Sort((a, b) => a.Address.CompareTo(b.Address));
        var (groups, enabled) = ScanIommuGroups();
        return (devices, groups, enabled);
    }

    // The device's folder is opened once and its attributes are read by name relative to it (HostRoot.Folder).
    private RawPci ReadRawPci(PciAddress address, bool capabilities)
    {
        using var dir = _root.OpenFolder($"{PciDevicesDir}/{address}");
        var driver = dir.ReadLinkName("driver");
        var raw = new RawPci
        {
            Address = address,
            CanonicalPath = dir.Canonical,
            Vendor = dir.ReadAttribute("vendor"),
            Device = dir.ReadAttribute("device"),
            SubVendor = dir.ReadAttribute("subsystem_vendor"),
            SubDevice = dir.ReadAttribute("subsystem_device"),
            Class = dir.ReadAttribute("class"),
            Revision = dir.ReadAttribute("revision"),
            Driver = driver,
            DriverOverride = dir.ReadAttribute("driver_override"),
            IommuGroup = dir.ReadLinkName("iommu_group"),
            BootVga = dir.ReadAttribute("boot_vga"),
            ResetMethod = dir.ReadAttribute("reset_method"),
            HasReset = dir.Exists("reset"),
            NumaNode = dir.ReadAttribute("numa_node"),
            HasRomFile = dir.Exists("rom"),
            SriovTotal = dir.ReadAttribute("sriov_totalvfs"),
            SriovNum = dir.ReadAttribute("sriov_numvfs"),
            Mdev = dir.Exists("mdev_supported_types") ? ReadMdevTypes(dir.PathOf("mdev_supported_types")) : [],
            Vbios = dir.ReadAttribute("vbios_version") ?? (driver == "nvidia" ? NvidiaVbios(address) : null),
        };

        // Without the capabilities, the header is read only to stand in for a missing id or class attribute.
        var headerNeeded = raw.Vendor is null || raw.Device is null || raw.SubVendor is null || raw.SubDevice is null || raw.Class is null || raw.Revision is null;
        if (capabilities || headerNeeded)
        {
            raw.Config = ReadConfig(dir, whole: capabilities);
        }

        return raw;
    }

    // The config space lands in one buffer reused for every device and is decoded at once: only what lodge needs of it
    // is kept (the header's ids, port type and ACS, whether a ROM BAR is set), never 4 KiB per device.
    // whole: the capabilities too (see ReadConfigSparse); otherwise only the 64-byte header, and no capability is known.
    private DecodedConfig? ReadConfig(HostRoot.Folder dir, bool whole)
    {
        _configScratch ??= new byte[4096];
        var fd = dir.OpenEntry("config", out var missing);
        int length;
        if (fd >= 0)
        {
            try
            {
                length = whole ? ReadConfigSparse(fd, _configScratch) : Native.PRead(fd, _configScratch.AsSpan(0, 64), 0);
            }
            finally
            {
                Native.Close(fd);
            }
        }
        else
        {
            // A recording root reads whole files (a snapshot keeps what was read); a link is resolved by path.
            length = missing ? -1 : _root.ReadInto(dir.PathOf("config"), _configScratch);
        }

        if (length < 0)
        {
            return null;
        }

        var bytes = _configScratch.AsSpan(0, length);
        if (!whole)
        {
            return new DecodedConfig(bytes.Length >= 64 ? PciConfigDecoder.DecodeHeader(bytes[..64]) : null, null, false);
        }

        return bytes.Length >= 64
            ? new DecodedConfig(PciConfigDecoder.DecodeHeader(bytes), PciConfigDecoder.Decode(bytes), bytes.Length >= 256 && PciConfigDecoder.HasRomBar(bytes))
            : new DecodedConfig(null, null, false);
    }

    // On a live host the kernel reads config space a dword at a time (in a VM each read traps to the hypervisor: one whole
    // 4 KiB read of a host bridge took 90 ms here; lspci reads 64 bytes). So read the first 256 bytes and, of the extended
    // space, only the capability chain PciConfigDecoder walks (16 bytes at each header: the header, ACS's words at +4, the
    // Resizable BAR's control word at +8); the bytes left zero are never read by the decoder, and the length is the one a
    // whole read returns (the file's size, at most the buffer; 64 bytes without CAP_SYS_ADMIN). A snapshot reads whole files.
    private static int ReadConfigSparse(int fd, byte[] buffer)
    {
        var head = Native.PRead(fd, buffer.AsSpan(0, 256), 0);
        if (head < 256)
        {
            return head;
        }

        var size = Native.SizeOf(fd);
        if (size <= 256)
        {
            // A size that says nothing (0) or a file that grew: read it whole, as before.
            return size == 256 ? 256 : 256 + Math.Max(0, Native.PRead(fd, buffer.AsSpan(256), 256));
        }

        var length = (int)Math.Min(buffer.Length, size);
        buffer.AsSpan(256, length - 256).Clear();
        var offset = 0x100;
        for (var hops = 0; hops < 480 && offset >= 0x100 && offset + 8 <= length; hops++)
        {
            _ = Native.PRead(fd, buffer.AsSpan(offset, Math.Min(16, length - offset)), offset);
            var header = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
            if (header is 0 or 0xffffffff)
            {
                break;
            }

            offset = (int)((header >> 20) & 0xffc);
        }

        return length;
    }

    private sealed record DecodedConfig(PciConfigHeader? Header, PciConfigInfo? Info, bool RomBar);

    // /proc/driver/nvidia/gpus/0000:01:00.0/information: "Video BIOS: 	  94.02.42.00.a9" (the nvidia driver's own file)
    private string? NvidiaVbios(PciAddress address)
    {
        var text = _root.ReadText($"/proc/driver/nvidia/gpus/{address}/information", 64 * 1024);
        var line = text?.Split('\n').FirstOrDefault(l => l.StartsWith("Video BIOS:", StringComparison.Ordinal));
        return line is null ? null : line["Video BIOS:".Length..].Trim() is { Length: > 0 } v ? v : null;
    }

    private IReadOnlyList<MdevType> ReadMdevTypes(string dir)
    {
        var types = new List<MdevType>();
        foreach (var id in _root.ListDirectory(dir))
        {
            var name = _root.ReadAttribute($"{dir}/{id}/name");
            var available = ParseInt(_root.ReadAttribute($"{dir}/{id}/available_instances"));
            types.Add(new MdevType(id, string.IsNullOrEmpty(name) ? null : name, available));
        }

        return types;
    }

    private static PciDevice BuildPciDevice(RawPci r, bool driversKnown, bool resetKnown, IdsDatabase ids)
    {
        // When an attribute file is missing, the configuration header still names the device, as lspci reads it.
        var header = r.Config?.Header;
        var vendor = ParseHex16(r.Vendor) ?? header?.VendorId;
        var device = ParseHex16(r.Device) ?? header?.DeviceId;
        var subVendor = ParseHex16(r.SubVendor) ?? header?.SubsystemVendorId;
        var subDevice = ParseHex16(r.SubDevice) ?? header?.SubsystemDeviceId;
        PciClass? cls = PciClass.TryParse(r.Class, out var c) ? c : header?.Class;
        var revision = ParseInt(r.Revision) is int rev and >= 0 and <= 255 ? (byte?)rev : header?.Revision;
        var config = r.Config?.Info;

        IReadOnlyList<string>? resetMethods = r.ResetMethod is not null
            ? r.ResetMethod.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : resetKnown ? [] : null;

        bool? hasRom = r.HasRomFile ? true : config is { Length: >= 256 } ? r.Config!.RomBar : null;
        var numa = ParseInt(r.NumaNode);
        var overrideText = r.DriverOverride is null or "(null)" or "" ? null : r.DriverOverride;

        return new PciDevice
        {
            Address = r.Address,
            VendorId = vendor,
            DeviceId = device,
            SubsystemVendorId = subVendor,
            SubsystemDeviceId = subDevice,
            Class = cls,
            Revision = revision,
            Driver = r.Driver,
            DriverKnown = driversKnown,
            DriverOverride = overrideText,
            IommuGroup = ParseInt(r.IommuGroup) is int g and >= 0 ? g : null,
            BootVga = r.BootVga switch { "1" => true, "0" => false, _ => null },
            ResetMethods = resetMethods,
            HasResetFile = r.HasReset ? true : resetKnown && r.ResetMethod is null ? false : null,
            ParentBridges = ParentBridgesOf(r.CanonicalPath, r.Address),
            NumaNode = numa is >= 0 ? numa : null,
            HasRom = hasRom,
            SriovTotalVfs = ParseInt(r.SriovTotal),
            SriovNumVfs = ParseInt(r.SriovNum),
            MdevTypes = r.Mdev,
            Config = config,
            VbiosVersion = string.IsNullOrEmpty(r.Vbios) ? null : r.Vbios,
            VendorName = vendor is { } v ? ids.PciVendor(v) : null,
            DeviceName = vendor is { } v2 && device is { } d ? ids.PciDevice(v2, d) : null,
            SubsystemName = vendor is { } v3 && device is { } d3 && subVendor is { } sv && subDevice is { } sd ? ids.PciSubsystem(v3, d3, sv, sd) : null,
        };
    }

    // /sys/devices/pci0000:00/0000:00:03.1/0000:04:00.0/0000:05:00.0/0000:06:00.0 → [00:03.1, 04:00.0, 05:00.0]
    private static IReadOnlyList<PciAddress> ParentBridgesOf(string canonicalPath, PciAddress self)
    {
        List<PciAddress>? result = null;
        foreach (var range in canonicalPath.AsSpan().Split('/'))
        {
            if (PciAddress.TryParseKernelName(canonicalPath.AsSpan()[range], out var a) && a != self)
            {
                (result ??= []).Add(a);
            }
        }

        return result is null ? [] : result;
    }

    private (IReadOnlyList<IommuGroup> Groups, bool? Enabled) ScanIommuGroups()
    {
        if (!_root.DirectoryExists("/sys/kernel"))
        {
            return ([], null);
        }

        var groups = new List<IommuGroup>();
        foreach (var name in _root.ListDirectory(IommuGroupsDir))
        {
            if (!int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            var members = new List<PciAddress>();
            foreach (var member in _root.ListDirectory($"{IommuGroupsDir}/{id}/devices"))
            {
                if (PciAddress.TryParseKernelName(member, out var a))
                {
                    members.Add(a);
                }
            }

            members.Sort();
            groups.Add(new IommuGroup(id, members, _root.ReadAttribute($"{IommuGroupsDir}/{id}/type")));
        }

        groups.Sort((a, b) => a.Id.CompareTo(b.Id));
        return (groups, groups.Count > 0);
    }

    private sealed record RawPci
    {
        public required PciAddress Address { get; init; }

        public required string CanonicalPath { get; init; }

        public string? Vendor { get; init; }

        public string? Device { get; init; }

        public string? SubVendor { get; init; }

        public string? SubDevice { get; init; }

        public string? Class { get; init; }

        public string? Revision { get; init; }

        public string? Driver { get; init; }

        public string? DriverOverride { get; init; }

        public string? IommuGroup { get; init; }

        public string? BootVga { get; init; }

        public string? ResetMethod { get; init; }

        public bool HasReset { get; init; }

        public string? NumaNode { get; init; }

        public bool HasRomFile { get; init; }

        public string? SriovTotal { get; init; }

        public string? SriovNum { get; init; }

        public IReadOnlyList<MdevType> Mdev { get; init; } = [];

        public DecodedConfig? Config { get; set; }

        public string? Vbios { get; init; }
    }
}
