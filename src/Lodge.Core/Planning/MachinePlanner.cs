using System.Globalization;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;
using Lodge.Core.Runtime;

namespace Lodge.Core.Planning;

/// <summary>Resolves a validated machine against a host into a <see cref="MachinePlan"/>. Pure: the same inputs give the same plan.</summary>
/// <remarks>
/// Run <see cref="MachineValidator.Validate"/> first: the planner throws <see cref="ConfigException"/> only for what it
/// cannot resolve at all (a GPU that is not there). Choices the issue left open are in each partial's remarks.
/// </remarks>
public static partial class MachinePlanner
{
    /// <summary>Plans <paramref name="machine"/> on <paramref name="host"/>, with files laid out as <paramref name="layout"/> says.</summary>
    public static MachinePlan Plan(MachineConfig machine, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments, RuntimeLayout layout)
    {
        var decisions = new List<PlanDecision>();
        var warnings = new List<string>();
        var machineType = PlanMachineType(machine, host, decisions);
        var gpu = PlanGpu(machine, host, assessments, decisions);
        var controllers = PlanUsbControllers(machine, host, assessments, decisions);
        var usb = PlanUsbDevices(machine, decisions);
        var cpu = PlanCpu(machine, host, decisions);
        cpu = cpu with { HyperVExtra = PlanHyperV(machine, host, decisions, warnings) };
        var shares = PlanShares(machine, layout, decisions);
        var memory = PlanMemory(machine, host, cpu, shares, decisions);
        var firmware = PlanFirmware(machine, host, layout, decisions);
        var tpm = machine.Firmware.Tpm ? $"{layout.StateDir}/tpm" : null;
        if (tpm is not null)
        {
            decisions.Add(new("tpm", "swtpm TPM 2.0 (tpm-crb)", $"The machine asks for a TPM; swtpm keeps its state in '{tpm}'."));
        }

        var disks = PlanDisks(machine, layout, decisions);
        var network = PlanNetwork(machine, decisions);
        var display = PlanDisplay(machine, gpu, layout, decisions);
        var input = PlanInput(machine, host, controllers, decisions);
        var audio = PlanAudio(machine, host, gpu, decisions);
        var vfio = gpu.IsPassthrough || controllers.Count > 0;
        decisions.Add(vfio
            ? new("balloon", "none", "VFIO pins all guest RAM, so a balloon could not give any back to the host.")
            : new("balloon", "virtio-balloon", "No device goes through VFIO, so the host may reclaim unused guest RAM."));
        return new MachinePlan
        {
            Machine = machine,
            Layout = layout,
            Decisions = decisions,
            Warnings = warnings,
            MachineType = machineType,
            Cpu = cpu,
            Memory = memory,
            Firmware = firmware,
            TpmStateDir = tpm,
            Disks = disks,
            Network = network,
            Display = display,
            Gpu = gpu,
            UsbControllers = controllers,
            Usb = usb,
            Input = input,
            Audio = audio,
            Shares = shares,
            Balloon = !vfio,
            QemuBinary = host.Tools.Qemu?.Path ?? "qemu-system-x86_64",
            QemuVersion = host.Tools.Qemu?.Version,
            Virtiofsd = host.Tools.Virtiofsd,
            SwtpmBinary = host.Tools.Swtpm?.Path ?? "swtpm",
            SmbdBinary = host.Tools.Smbd?.Path ?? "smbd",
        };
    }

    private static MemoryPlan PlanMemory(MachineConfig machine, HostSnapshot host, CpuPlan cpu, IReadOnlyList<SharePlan> shares, List<PlanDecision> decisions)
    {
        var size = machine.Memory.SizeBytes;
        var shared = shares.Any(s => s.Protocol == "virtiofs");
        long? pageKiB = null;
        Runtime.HugePageAllocation? allocate = null;
        string reason;
        if (machine.Memory.HugePages == "off")
        {
            reason = "The machine turns hugepages off.";
        }
        else if (machine.Memory.HugePageKiB is { } asked)
        {
            pageKiB = asked;
            reason = $"The machine asks for {machine.Memory.HugePages} hugepages.";
        }
        else
        {
            // auto: the largest page size whose pool has room for the whole guest (free pages when known). RAM bound to
            // one NUMA node can only use that node's pages (nodeN/hugepages), so its pools count when the tree has them.
            var node = cpu.HostNode is { } n ? host.Topology.Nodes?.FirstOrDefault(x => x.Id == n) : null;
            var pools = node is { HugePages.Count: > 0 } ? node.HugePages : host.Memory.HugePages;
            var fit = pools
                .Where(p => (p.Free ?? p.Total ?? 0) * p.PageSizeKiB * 1024 >= size)
                .OrderByDescending(p => p.PageSizeKiB)
                .FirstOrDefault();
            pageKiB = fit?.PageSizeKiB;
            if (fit is null && AllocateAtStart(host, cpu, node, size) is { } allocation)
            {
                pageKiB = allocation.PageKiB;
                allocate = allocation;
                var where = allocation.Node is { } an ? $"NUMA node {an}, where the vCPUs sit," : "the host";
                reason = $"No pool has {size >> 20} MiB free now, so Lodge allocates {allocation.Count} {PageName(allocation.PageKiB)} pages on {where} when the guest starts and frees them when it stops.";
            }
            else
            {
                reason = fit is null
                    ? node is { HugePages.Count: > 0 }
                        ? $"No hugepage pool of NUMA node {node.Id}, where the vCPUs sit, has room for the whole guest, so it uses normal pages ('lodge setup' can reserve 1G pages at boot)."
                        : "No hugepage pool on this host has room for the whole guest, so it uses normal pages."
                    : node is { HugePages.Count: > 0 }
                        ? $"NUMA node {node.Id}, where the vCPUs sit, has {fit.Free ?? fit.Total} free {PageName(fit.PageSizeKiB)} hugepages, enough for the whole guest."
                        : $"The host has {fit.Free ?? fit.Total} free {PageName(fit.PageSizeKiB)} hugepages, enough for the whole guest.";
            }
        }

        var choice = pageKiB is { } k ? $"{size >> 20} MiB on {PageName(k)} hugepages" : $"{size >> 20} MiB on normal pages";
        if (allocate is not null)
        {
            choice += $" (allocated on {(allocate.Node is { } cn ? $"node {cn}" : "the host")} at start)";
        }

        decisions.Add(new("memory", choice + (shared ? ", shared (memfd, share=on)" : ""), reason + (shared ? " virtiofs needs RAM shared with virtiofsd." : "")));
        return new MemoryPlan(size, pageKiB, shared) { Allocate = allocate };
    }

    // hugepages = "auto" with no free pool: 2M pages made at start on the vCPUs' node (the only node with CPUs on a
    // single-node host; the global pool when the tree shows no nodes), when the vCPUs are pinned and the node's free
    // memory (or the host's available memory) holds the guest with a quarter to spare. 1G pages rarely allocate at run
    // time, so they stay with 'lodge setup' (at boot).
    private static Runtime.HugePageAllocation? AllocateAtStart(HostSnapshot host, CpuPlan cpu, NumaNode? node, long size)
    {
        if (cpu.VcpuPins.Count == 0 || cpu.GuestNodes.Count > 0 || size % (2L << 20) != 0)
        {
            return null;
        }

        var nodes = host.Topology.Nodes?.Where(n => n.Cpus.Count > 0).ToList();
        node ??= nodes is { Count: 1 } ? nodes[0] : null;
        if (node is null && nodes is { Count: > 1 })
        {
            return null;
        }

        var freeKiB = node is not null ? node.MemFreeKiB : host.Memory.AvailableKiB;
        if (freeKiB is not { } free || free * 1024 < size + (size / 4))
        {
            return null;
        }

        return new Runtime.HugePageAllocation(node?.Id, 2048, size / (2L << 20));
    }

    private static string PageName(long kib) => kib >= 1 << 20 ? $"{kib >> 20}G" : $"{kib >> 10}M";

    private static List<SharePlan> PlanShares(MachineConfig machine, RuntimeLayout layout, List<PlanDecision> decisions)
    {
        var result = new List<SharePlan>();
        foreach (var share in machine.Shares)
        {
            var protocol = share.Protocol;
            string reason;
            if (protocol != "auto")
            {
                reason = $"The share asks for {protocol}.";
            }
            else if (machine.Os == GuestOs.MacOs)
            {
                protocol = "smb";
                reason = "macOS has no virtiofs driver, and SMB needs nothing installed in the guest.";
            }
            else
            {
                protocol = "virtiofs";
                reason = machine.Os is GuestOs.Windows10 or GuestOs.Windows11
                    ? "virtiofs is the fastest share; Windows needs virtio-win's viofs driver and WinFsp."
                    : "virtiofs is the fastest share and Linux has the driver built in.";
            }

            var socket = protocol == "virtiofs" ? $"{layout.RunDir}/virtiofsd-{share.Tag}.sock" : null;
            result.Add(new SharePlan(share.Host, share.Tag, protocol, socket));
            decisions.Add(new($"share {share.Tag}", $"{protocol} {share.Host}", reason));
        }

        return result;
    }

    private static List<DiskPlan> PlanDisks(MachineConfig machine, RuntimeLayout layout, List<PlanDecision> decisions)
    {
        var result = new List<DiskPlan>();
        var boot = 1;
        if (machine.Os == GuestOs.MacOs && machine.MacOs.OpenCore is { } openCore)
        {
            var path = Resolve(openCore, layout);
            result.Add(new DiskPlan("opencore", path, FormatOf(path), "sata", false, null, boot++));
            decisions.Add(new("disk opencore", path, "macOS boots through the OpenCore disk the user supplies, so it boots first."));
        }

        foreach (var (disk, i) in machine.Disks.Select((d, i) => (d, i)))
        {
            if (disk.Cdrom is { } iso)
            {
                result.Add(new DiskPlan($"cd{i}", iso, "raw", "sata", true, null, boot++));
                decisions.Add(new($"disk {i}", $"cdrom {iso}", "A CD-ROM sits on the SATA controller, after the disks before it in boot order."));
                continue;
            }

            var path = Resolve(disk.Path ?? $"disk{i}.qcow2", layout);
            var format = FormatOf(path);
            result.Add(new DiskPlan($"drive{i}", path, format, disk.Bus, false, disk.SizeBytes, boot++));
            var create = disk.SizeBytes is { } bytes ? $"; created with {bytes >> 30} GiB when missing" : "";
            decisions.Add(new($"disk {i}", $"{disk.Bus} {format} {path}", $"Relative disk paths live in the machine's state folder{create}."));
        }

        return result;
    }

    private static string Resolve(string path, RuntimeLayout layout) => path.StartsWith('/') ? path : $"{layout.StateDir}/{path}";

    private static string FormatOf(string path) => path.EndsWith(".qcow2", StringComparison.Ordinal) ? "qcow2" : "raw";

    private static NetworkPlan PlanNetwork(MachineConfig machine, List<PlanDecision> decisions)
    {
        // A stable locally administered MAC in QEMU's 52:54:00 range, derived from the machine name (FNV-1a).
        var hash = 2166136261u;
        foreach (var c in machine.Name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        var mac = string.Create(CultureInfo.InvariantCulture, $"52:54:00:{(hash >> 16) & 0xff:x2}:{(hash >> 8) & 0xff:x2}:{hash & 0xff:x2}");
        var mode = machine.Network.Mode;
        var name = mode.Interface;
        var reason = mode.Kind switch
        {
            NetworkKind.User => "User networking needs no host setup; the guest reaches the host at 10.0.2.2.",
            NetworkKind.Bridge => $"The guest joins the host bridge '{name}' through qemu-bridge-helper, with vhost-net moving packets in the kernel.",
            NetworkKind.Tap => $"The guest uses the existing tap device '{name}', which the user set up, with vhost-net moving packets in the kernel.",
            _ => "The machine has no network.",
        };
        decisions.Add(new("network", mode.Kind == NetworkKind.None ? mode.Word() : $"{mode.Word()} virtio-net {mac}", reason));
        return new NetworkPlan(mode, mac);
    }

    private static DisplayPlan PlanDisplay(MachineConfig machine, GpuPlan gpu, RuntimeLayout layout, List<PlanDecision> decisions)
    {
        var type = machine.Display.Type;
        // A 3D controller (a laptop's discrete GPU) has no outputs: the guest keeps an emulated adapter to have a screen at all.
        var noOutputs = gpu.Device?.Class is { Is3dController: true };
        var video = gpu.IsPassthrough && !noOutputs ? null : machine.Os == GuestOs.MacOs ? "VGA" : "virtio-vga";
        var socket = type switch
        {
            "spice" => $"{layout.RunDir}/spice.sock",
            "vnc" => $"{layout.RunDir}/vnc.sock",
            _ => null,
        };
        string? lgPath = null;
        var lgMiB = 0;
        if (type == "looking-glass")
        {
            // Looking Glass: width × height × 4 bytes × 2 frames, + 10 MiB, rounded up to a power of two (DOMAIN.md).
            var (w, h) = machine.Display.Size ?? (1920, 1080);
            var mib = ((long)w * h * 4 * 2 + (1 << 20) - 1) / (1 << 20) + 10;
            lgMiB = 1;
            while (lgMiB < mib)
            {
                lgMiB <<= 1;
            }

            lgPath = "/dev/shm/looking-glass";
            socket = $"{layout.RunDir}/spice.sock";
        }

        var videoText = video ?? "none (the passed GPU is the display)";
        var reason = type switch
        {
            "looking-glass" when noOutputs => $"The passed GPU {gpu.Device!.Address} is a 3D controller without outputs, so the guest is seen through Looking Glass ({lgMiB} MiB of shared memory for {machine.Display.Resolution}, in /dev/shm) once a virtual display driver in the guest gives the GPU a screen; {video} shows the firmware and boot, and SPICE carries keyboard and mouse.",
            "spice" or "vnc" when noOutputs => $"The passed GPU {gpu.Device!.Address} is a 3D controller without outputs, so the guest's screen is {video}, seen over {type.ToUpperInvariant()} on a unix socket in the run folder; the GPU renders for it.",
            _ when noOutputs => $"The passed GPU {gpu.Device!.Address} is a 3D controller without outputs and the machine asks for no remote display, so nothing shows the guest's screen.",
            "looking-glass" => $"Looking Glass needs {lgMiB} MiB of shared memory for {machine.Display.Resolution}; /dev/shm works without the kvmfr module, and SPICE carries keyboard and mouse.",
            "spice" => "SPICE on a unix socket in the run folder, so only local users who can open it see the guest.",
            "vnc" => "VNC on a unix socket in the run folder, so only local users who can open it see the guest.",
            _ => "The machine asks for no remote display.",
        };
        decisions.Add(new("display", $"{type}, video {videoText}" + (lgPath is null ? "" : $", ivshmem {lgMiB}M at {lgPath}"), reason));
        return new DisplayPlan(type, video, socket, lgPath, lgMiB);
    }

    private static AudioPlan PlanAudio(MachineConfig machine, HostSnapshot host, GpuPlan gpu, List<PlanDecision> decisions)
    {
        var backend = machine.Audio.Backend;
        string reason;
        var pulse = host.SoundServers?.FirstOrDefault(s => s.Kind == "pulseaudio");
        if (backend == "auto" && host.SoundServers is { Count: 0 })
        {
            backend = "none";
            reason = "No user runs PipeWire or PulseAudio (nothing in /run/user), so the guest gets no sound card; set audio.backend once a desktop session runs one.";
        }
        else if (backend == "auto")
        {
            var pipewire = QemuAtLeast(host.Tools.Qemu?.Version, 8, 1);
            backend = pipewire ? "pipewire" : "pa";
            reason = pipewire
                ? $"QEMU {host.Tools.Qemu?.Version} has the PipeWire backend (8.1 and later)."
                : $"QEMU {host.Tools.Qemu?.Version ?? "of unknown version"} lacks the PipeWire backend (it came in 8.1), and PipeWire serves PulseAudio clients.";
        }
        else
        {
            backend = backend == "pulseaudio" ? "pa" : backend;
            reason = $"The machine asks for {machine.Audio.Backend}.";
        }

        var device = machine.Audio.Device;
        if (device == "gpu-hdmi" && !gpu.IsPassthrough)
        {
            device = "hda";
            reason += " No GPU is passed through, so HDMI audio falls back to an emulated HDA card.";
        }

        var plan = new AudioPlan(backend, device, backend == "pa" ? pulse?.Socket : null);
        var choice = backend == "none" ? "none" : plan.Emulated ? $"{backend} on {device}" : "the GPU's HDMI audio function";
        decisions.Add(new("audio", choice, reason + (backend is "pipewire" or "pa" ? " QEMU must run with the desktop user's XDG_RUNTIME_DIR." : "")));
        return plan;
    }

    /// <summary>True when a QEMU version string is at least major.minor; false when unknown.</summary>
    internal static bool QemuAtLeast(string? version, int major, int minor)
    {
        var parts = (version ?? "").Split('.');
        return parts.Length >= 2 && int.TryParse(parts[0], out var a) && int.TryParse(parts[1], out var b) && (a > major || (a == major && b >= minor));
    }
}
