using Lodge.Core.Handoff;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Handoff;

/// <summary>The production <see cref="HolderScan"/>: which processes have a device node of the given PCI functions open.</summary>
/// <remarks>
/// Nodes are tied to functions through sysfs: <c>/sys/class/drm/card0/device</c> and <c>renderD128/device</c> for
/// <c>/dev/dri/*</c>, <c>/sys/class/sound/card1/device</c> for <c>/dev/snd/controlC1</c>, <c>pcmC1D3p</c>, <c>hwC1D0</c>;
/// <c>/dev/nvidia*</c> (nvidia0, nvidiactl, nvidia-uvm, nvidia-modeset) counts against every NVIDIA function asked
/// about. Holders come from the links in <c>/proc/&lt;pid&gt;/fd</c> (<c>/proc/1234/fd/17 -> /dev/dri/card0</c>); other
/// users' processes are visible only to root. A process whose cgroup is a display manager's unit
/// (<c>0::/system.slice/gdm.service</c>) ends when the display manager stops.
/// </remarks>
public sealed class ProcHolderScanner(HostRoot root)
{
    private static readonly string[] DisplayManagerUnits = ["display-manager.service", "gdm.service", "gdm3.service", "sddm.service", "lightdm.service", "lxdm.service", "greetd.service", "xdm.service"];

    /// <summary>Scans every process once; see <see cref="HolderScan"/>.</summary>
    public Task<IReadOnlyList<DeviceHolder>> ScanAsync(IReadOnlyList<PciAddress> devices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var nodes = NodesOf(devices);
        var nvidia = devices.Where(d => root.ReadAttribute($"/sys/bus/pci/devices/{d}/vendor") == "0x10de").ToList();
        var holders = new List<DeviceHolder>();
        foreach (var pidText in root.ListDirectory("/proc").Where(n => n.All(char.IsAsciiDigit)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var fd in root.ListDirectory($"/proc/{pidText}/fd"))
            {
                if (root.ReadLink($"/proc/{pidText}/fd/{fd}") is not { } node)
                {
                    continue;
                }

                var owners = nodes.TryGetValue(node, out var owner) ? [owner]
                    : node.StartsWith("/dev/nvidia", StringComparison.Ordinal) ? nvidia
                    : [];
                foreach (var device in owners.Where(o => !holders.Any(h => h.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) == pidText && h.Device == o)))
                {
                    var comm = root.ReadAttribute($"/proc/{pidText}/comm") ?? "?";
                    var cgroup = root.ReadAttribute($"/proc/{pidText}/cgroup") ?? string.Empty;
                    var endsWithDm = DisplayManagerUnits.Any(u => cgroup.Contains("/" + u, StringComparison.Ordinal));
                    holders.Add(new DeviceHolder(device, node, comm, int.Parse(pidText, System.Globalization.CultureInfo.InvariantCulture), endsWithDm));
                }
            }
        }

        return Task.FromResult<IReadOnlyList<DeviceHolder>>([.. holders.OrderBy(h => h.Pid).ThenBy(h => h.Node, StringComparer.Ordinal)]);
    }

    // "/dev/dri/card0" → 0000:06:00.0, "/dev/snd/controlC1" → 0000:06:00.1, ...
    private Dictionary<string, PciAddress> NodesOf(IReadOnlyList<PciAddress> devices)
    {
        var map = new Dictionary<string, PciAddress>(StringComparer.Ordinal);
        foreach (var name in root.ListDirectory("/sys/class/drm").Where(n => (n.StartsWith("card", StringComparison.Ordinal) && !n.Contains('-', StringComparison.Ordinal)) || n.StartsWith("renderD", StringComparison.Ordinal)))
        {
            if (DeviceOf($"/sys/class/drm/{name}/device", devices) is { } address)
            {
                map[$"/dev/dri/{name}"] = address;
            }
        }

        foreach (var card in root.ListDirectory("/sys/class/sound").Where(n => n.StartsWith("card", StringComparison.Ordinal)))
        {
            if (DeviceOf($"/sys/class/sound/{card}/device", devices) is not { } address)
            {
                continue;
            }

            var n = card[4..];
            map[$"/dev/snd/controlC{n}"] = address;
            foreach (var node in root.ListDirectory($"/sys/class/sound/{card}").Where(e => e.StartsWith($"pcmC{n}D", StringComparison.Ordinal) || e.StartsWith($"hwC{n}D", StringComparison.Ordinal)))
            {
                map[$"/dev/snd/{node}"] = address;
            }
        }

        return map;
    }

    private PciAddress? DeviceOf(string link, IReadOnlyList<PciAddress> devices) =>
        root.ReadLinkName(link) is { } name && PciAddress.TryParse(name, out var address) && devices.Contains(address) ? address : null;
}
