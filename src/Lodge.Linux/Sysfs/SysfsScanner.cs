using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>Reads a host once, through a <see cref="HostRoot"/>, into an immutable <see cref="HostSnapshot"/>.</summary>
/// <remarks>
/// A missing or malformed file never throws: the fact becomes unknown (null). Each concern lives in its own
/// partial file (<c>SysfsScanner.Pci.cs</c>, <c>.Usb.cs</c>, <c>.Cpu.cs</c>, ...). The scanner only reads; program
/// versions come from the injected <see cref="IToolVersionProbe"/>, which runs programs only for the system root.
/// </remarks>
public sealed partial class SysfsScanner
{
    private readonly HostRoot _root;
    private readonly IToolVersionProbe? _versionProbe;
    private readonly bool _probeKvm;
    private byte[]? _configScratch;

    /// <summary>Creates a scanner. <paramref name="versionProbe"/> asks programs their version; null leaves versions unknown.</summary>
    /// <param name="probeKvm">Also ask QEMU whether it can run a KVM guest (about 0.1 s on the system root); only
    /// commands that decide on KVM (doctor, up, snapshot) ask.</param>
    public SysfsScanner(HostRoot root, IToolVersionProbe? versionProbe = null, bool probeKvm = false)
    {
        _root = root;
        _versionProbe = versionProbe;
        _probeKvm = probeKvm;
    }

    /// <summary>Reads the whole host.</summary>
    public HostSnapshot Scan() => Scan(ScanScope.Everything);

    /// <summary>Reads what <paramref name="scope"/> names; the rest of the snapshot keeps its empty defaults.</summary>
    public HostSnapshot Scan(ScanScope scope)
    {
        var ids = scope.HasFlag(ScanScope.Names) ? IdsFiles.Load(_root) : IdsDatabase.Empty;
        var (devices, groups, iommuEnabled) = ScanPci(ids, scope.HasFlag(ScanScope.PciCapabilities));
        var inputs = scope.HasFlag(ScanScope.Usb) ? ScanInputDevices() : [];
        var usb = scope.HasFlag(ScanScope.Usb) ? ScanUsb(devices, inputs, ids) : [];
        var tools = scope.HasFlag(ScanScope.Tools) ? ScanTools() : new HostTools();
        var kernel = scope.HasFlag(ScanScope.Kernel) ? ScanKernel() : new KernelInfo();
        if (_probeKvm && kernel.KvmDevice == true && tools.Qemu is { } qemu && _versionProbe is not null)
        {
            // /dev/kvm existing is not enough: ask QEMU to start a KVM guest with the host CPU, as Lodge's guests do.
            var probe = _versionProbe.ProbeKvm(_root.ToReal(qemu.Path));
            kernel = kernel with { KvmProbe = probe, KvmProbeCached = probe is not null && _versionProbe.LastKvmProbeCached };
        }

        var snapshot = new HostSnapshot
        {
            PciDevices = devices,
            IommuGroups = groups,
            IommuEnabled = iommuEnabled,
            Kernel = kernel,
            UsbControllers = usb,
            InputDevices = inputs,
            Tools = tools,
        };
        if (scope.HasFlag(ScanScope.Cpu))
        {
            var cpu = ScanCpuInfo();
            snapshot = snapshot with { Cpu = cpu, Topology = ScanTopology(cpu), Memory = ScanMemory() };
        }

        if (scope.HasFlag(ScanScope.Machine))
        {
            snapshot = snapshot with { Platform = ScanPlatform() };
        }

        if (scope.HasFlag(ScanScope.Desktop))
        {
            snapshot = snapshot with { Display = ScanDisplay(), SoundServers = ScanSoundServers() };
        }

        if (scope.HasFlag(ScanScope.Platform))
        {
            snapshot = snapshot with { Firmware = ScanFirmware(), Boot = ScanBoot(), Dmi = ScanDmi() };
        }

        return snapshot;
    }

    /// <summary>Reads only what a handoff plans from and must restore: PCI devices and IOMMU groups, kernel modules, and the display.</summary>
    /// <remarks>A fraction of <see cref="Scan()"/>'s reads; the simulated kernel reads its state this way after every run.</remarks>
    public HostSnapshot ScanForHandoff()
    {
        var (devices, groups, iommuEnabled) = ScanPci(IdsFiles.Load(_root), capabilities: true);
        return new HostSnapshot
        {
            PciDevices = devices,
            IommuGroups = groups,
            IommuEnabled = iommuEnabled,
            Kernel = ScanKernel(),
            Display = ScanDisplay(),
        };
    }

    /// <summary>What a passed controller's plan needs: <see cref="ScanForHandoff"/> plus the input devices (which keyboards
    /// hang off which controller).</summary>
    public HostSnapshot ScanForControllers() => ScanForHandoff() with { InputDevices = ScanInputDevices() };

    private static int? ParseInt(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return int.TryParse(t.AsSpan(2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var h) ? h : null;
        }

        return int.TryParse(t, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    private static long? ParseLong(string? text) =>
        text is not null && long.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>Parses a 16-bit hex id written as <c>0x10de</c> or <c>10de</c>.</summary>
    internal static ushort? ParseHex16(string? text)
    {
        if (text is null)
        {
            return null;
        }

        // Spans, not substrings: parsed for every function of the host.
        var t = text.AsSpan().Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            t = t[2..];
        }

        return t.Length is > 0 and <= 4 && ushort.TryParse(t, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>Parses a kernel CPU list such as <c>0-3,8-11</c>; null when malformed.</summary>
    internal static IReadOnlyList<int>? ParseCpuList(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var result = new List<int>();
        foreach (var part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-');
            if (dash < 0)
            {
                if (!int.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out var single) || single < 0)
                {
                    return null;
                }

                result.Add(single);
                continue;
            }

            if (!int.TryParse(part.AsSpan(0, dash), System.Globalization.CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(part.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture, out var to)
                || from < 0 || to < from || to - from > 65536)
            {
                return null;
            }

            for (var i = from; i <= to; i++)
            {
                result.Add(i);
            }
        }

        result.Sort();
        return result;
    }
}
