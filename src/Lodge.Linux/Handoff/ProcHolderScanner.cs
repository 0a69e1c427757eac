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
/// (<c>0::/system.slice/gdm.service</c>) ends when the display manager stops; so does one in the scope of a graphical
/// logind session on the card's seat (a greeter or a user's compositor, <c>0::/user.slice/user-1000.slice/session-2.scope</c>),
/// and one under the service manager of such a session's user (PipeWire and WirePlumber hold the HDMI audio from
/// <c>user@1000.service</c>, and let go once the session is no longer active). <c>/dev/kfd</c> (ROCm) counts against
/// every AMD function asked about.
/// </remarks>
/// <param name="root">The host tree.</param>
/// <param name="sessions">logind's sessions (<see cref="ILoginSessions"/>); none when logind cannot be asked.</param>
public sealed class ProcHolderScanner(HostRoot root, IReadOnlyList<LoginSession>? sessions = null)
{
    private static readonly string[] DisplayManagerUnits = ["display-manager.service", "gdm.service", "gdm3.service", "sddm.service", "lightdm.service", "lxdm.service", "greetd.service", "xdm.service"];

    /// <summary>Scans every process once; see <see cref="HolderScan"/>.</summary>
    public Task<IReadOnlyList<DeviceHolder>> ScanAsync(IReadOnlyList<PciAddress> devices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var nodes = NodesOf(devices);
        var nvidia = devices.Where(d => root.ReadAttribute($"/sys/bus/pci/devices/{d}/vendor") == "0x10de").ToList();
        var amd = devices.Where(d => root.ReadAttribute($"/sys/bus/pci/devices/{d}/vendor") == "0x1002").ToList();
        var seat = SeatOf(nodes);
        var graphical = (sessions ?? []).Where(s => s.Graphical && s.Seat == seat).ToList();
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
                    : node == "/dev/kfd" ? amd
                    : [];
                foreach (var device in owners.Where(o => !holders.Any(h => h.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) == pidText && h.Device == o)))
                {
                    var comm = root.ReadAttribute($"/proc/{pidText}/comm") ?? "?";
                    var cgroup = root.ReadAttribute($"/proc/{pidText}/cgroup") ?? string.Empty;
                    var session = graphical.FirstOrDefault(s => s.Scope.Length > 0 && cgroup.Contains("/" + s.Scope, StringComparison.Ordinal));
                    var userManager = graphical.Any(s => cgroup.Contains($"/user@{s.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture)}.service/", StringComparison.Ordinal));
                    var endsWithDm = DisplayManagerUnits.Any(u => cgroup.Contains("/" + u, StringComparison.Ordinal)) || session is not null || userManager;
                    holders.Add(new DeviceHolder(device, node, comm, int.Parse(pidText, System.Globalization.CultureInfo.InvariantCulture), endsWithDm) { Session = session?.Id });
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

    // The card's seat: udev's ID_SEAT of its DRM node (/run/udev/data/c226:0 holds "E:ID_SEAT=seat1"), else seat0.
    private string SeatOf(Dictionary<string, PciAddress> nodes)
    {
        foreach (var node in nodes.Keys.Where(n => n.StartsWith("/dev/dri/card", StringComparison.Ordinal)))
        {
            if (root.ReadAttribute($"/sys/class/drm/{node[9..]}/dev") is { } dev && root.ReadText($"/run/udev/data/c{dev}", 64 * 1024) is { } data)
            {
                foreach (var line in data.Split('\n'))
                {
                    if (line.StartsWith("E:ID_SEAT=", StringComparison.Ordinal))
                    {
                        return line[10..].Trim();
                    }
                }
            }
        }

        return "seat0";
    }

    private PciAddress? DeviceOf(string link, IReadOnlyList<PciAddress> devices) =>
        root.ReadLinkName(link) is { } name && PciAddress.TryParse(name, out var address) && devices.Contains(address) ? address : null;
}
