using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Machines;

/// <summary>GPU, USB and input checks: every device is found by identity on this host, then judged.</summary>
public static partial class MachineValidator
{
    /// <summary>The GPU <c>[gpu] device = "auto"</c> picks: the first passable GPU that suits the mode, or null.</summary>
    /// <remarks><c>handoff</c> wants the boot VGA; every other mode wants a GPU the host does not boot on.</remarks>
    public static DeviceAssessment? PickAutoGpu(GpuMode mode, IReadOnlyList<DeviceAssessment> assessments) =>
        PickGuestGpu(assessments) is { } pick && (pick.Device.BootVga == true) == (mode == GpuMode.Handoff) ? pick : null;

    /// <summary>The GPU a guest should get on this host: a passable discrete GPU (never an integrated one), one the host does
    /// not boot on first, then by address; null when there is none. Its mode follows from <c>BootVga</c>: handoff for the boot VGA.</summary>
    public static DeviceAssessment? PickGuestGpu(IReadOnlyList<DeviceAssessment> assessments) =>
        assessments
            .Where(a => a.Kind == DeviceKind.Gpu && a.IsPassable && !IntegratedGpu.Is(a.Device))
            .OrderBy(a => a.Device.BootVga == true ? 1 : 0)
            .ThenBy(a => a.Device.Address)
            .FirstOrDefault();

    private static void CheckGpu(MachineConfig machine, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments, List<Problem> problems)
    {
        if (machine.Gpu is { Mode: GpuMode.GvtG } gvt)
        {
            var parent = gvt.Device == "auto"
                ? host.PciDevices.FirstOrDefault(d => d.MdevTypes.Count > 0) ?? host.PciDevices.FirstOrDefault(d => IntelGraphics.Of(d) != IntelIgpuGeneration.None)
                : DeviceMatcher.Find(gvt.Device, host.PciDevices).Device;
            var generation = parent is null ? IntelIgpuGeneration.None : IntelGraphics.Of(parent);
            if (parent is { MdevTypes.Count: 0 } && generation == IntelIgpuGeneration.GvtG)
            {
                problems.Add(new Problem(Severity.Warning, "gvt-g-not-enabled", $"The iGPU {parent.Address} supports GVT-g, but shows no mediated device types yet.", $"Run 'lodge setup --for {machine.Name}' (it adds i915.enable_gvt=1 and loads kvmgt) and reboot.", machine.LocationOf("gpu.mode")));
            }
            else if (parent is null || parent.MdevTypes.Count == 0)
            {
                var fix = generation switch
                {
                    IntelIgpuGeneration.Gen11 or IntelIgpuGeneration.Gen12OrLater => "GVT-g ended with Comet Lake; this iGPU could only be shared through SR-IOV, with a kernel that has it. Set mode = \"virtio\".",
                    _ => "GVT-g covers Broadwell to Comet Lake iGPUs with i915.enable_gvt=1 and the kvmgt module loaded; otherwise set mode = \"virtio\".",
                };
                problems.Add(Error(machine, "gpu.mode", "gvt-g-unavailable", "gvt-g asks for a slice of an Intel iGPU, but this host shows no GPU with mediated device types.", fix));
            }

            return;
        }

        if (machine.Gpu is not { Mode: GpuMode.Dedicated or GpuMode.Handoff } gpu)
        {
            return;
        }

        const string At = "gpu.device";
        DeviceAssessment? assessment;
        if (gpu.Device == "auto")
        {
            assessment = PickAutoGpu(gpu.Mode, assessments);
            if (assessment is null)
            {
                var want = gpu.Mode == GpuMode.Handoff ? "boot GPU that can be passed through" : "GPU that can be passed through and that the host does not boot on";
                problems.Add(Error(machine, At, "gpu-auto-none", $"This host has no {want}.", "Run 'lodge devices' to see the GPUs and their verdicts, or set mode = \"virtio\" under [gpu]."));
                return;
            }
        }
        else if (Resolve(machine, At, "GPU", gpu.Device, host, assessments, problems) is { } found)
        {
            assessment = found;
        }
        else
        {
            return;
        }

        var device = assessment.Device;
        CheckVerdict(machine, At, "GPU", assessment, problems);
        if (IntegratedGpu.Is(device))
        {
            problems.Add(new Problem(Severity.Warning, "igpu-passthrough", $"The GPU {device.Address} is an integrated GPU: passing all of it is a niche with its own rules (Intel: legacy mode on an i440fx machine with its OpROM; AMD: the vBIOS from the VFCT table), and the host loses the screens it drives.", IntelGraphics.Of(device) == IntelIgpuGeneration.GvtG ? "Prefer mode = \"gvt-g\" under [gpu], which shares it, or a discrete GPU." : "Prefer a discrete GPU, or mode = \"virtio\" under [gpu].", machine.LocationOf("gpu.device")));
        }

        if (device.Class is { Is3dController: true } && machine.Display.Type == "none")
        {
            problems.Add(new Problem(Severity.Warning, "no-screen", $"The GPU {device.Address} is a 3D controller without display outputs and display.type is \"none\", so nothing shows the guest's screen.", "Set type = \"looking-glass\" (or \"spice\") under [display].", machine.LocationOf("display.type")));
        }
        if (gpu.Mode == GpuMode.Handoff && device.BootVga != true)
        {
            problems.Add(Error(machine, "gpu.mode", "handoff-not-boot-vga", $"The GPU {device.Address} is not the boot VGA, so there is nothing to hand off.", "Set mode = \"dedicated\" under [gpu]; handoff is for the GPU the host boots on."));
        }

        if (gpu.Mode == GpuMode.Dedicated && device.BootVga == true)
        {
            problems.Add(Error(machine, "gpu.mode", "dedicated-boot-vga", $"The GPU {device.Address} is the boot VGA, which the host console uses.", "Set mode = \"handoff\" under [gpu] to lend it to the guest while it runs."));
        }

        if (machine.Os == GuestOs.MacOs && device.VendorId == NvidiaVendorId && device.DeviceId >= FirstNvidiaMaxwellId)
        {
            problems.Add(Error(machine, At, "macos-nvidia", $"macOS has no driver for the NVIDIA GPU {device.Address} [{device.VendorId:x4}:{device.DeviceId:x4}], which is newer than Kepler.", "Use an AMD Polaris, Vega, Navi 10/14 or Navi 21/23 card, or an NVIDIA Kepler card, for a macOS guest."));
        }
    }

    private static void CheckUsb(MachineConfig machine, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments, IReadOnlyList<Handoff.ControllerDiskUse> disks, List<Problem> problems)
    {
        var resolved = new HashSet<int>();
        for (var i = 0; i < machine.Usb.Count; i++)
        {
            var usb = machine.Usb[i];
            if (usb.Controller is { } spec && Resolve(machine, $"usb[{i}].controller", "USB controller", spec, host, assessments, problems) is not null)
            {
                // Its IOMMU group, the disks and the keyboards behind it: 'lodge up''s own rule, below.
                resolved.Add(i);
            }

            if (usb.Device is { } device && !IsUsbDeviceSpec(device))
            {
                problems.Add(Error(machine, $"usb[{i}].device", "bad-usb-device", $"'{device}' is neither vendor:product nor a port.", "Write a vendor:product pair such as \"046d:c52b\" (see lsusb) or a port such as \"port:1-4.2\"."));
            }
        }

        CheckControllers(machine, host, assessments, disks, resolved, problems);
    }

    private static void CheckInput(MachineConfig machine, HostSnapshot host, List<Problem> problems)
    {
        if (machine.Input.Paths is not { } paths)
        {
            return;
        }

        var present = host.InputDevices.SelectMany(d => d.ById).ToHashSet(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var full = path.StartsWith('/') ? path : "/dev/input/by-id/" + path;
            if (!present.Contains(full))
            {
                var sample = present.Order(StringComparer.Ordinal).FirstOrDefault(p => p.EndsWith("-event-kbd", StringComparison.Ordinal));
                var fix = sample is null ? "Plug the device in, or set evdev = \"auto\" under [input]." : $"Pick a path from /dev/input/by-id such as \"{sample}\", or set evdev = \"auto\".";
                problems.Add(Error(machine, "input.evdev", "evdev-missing", $"The input device '{path}' does not exist on this host.", fix));
            }
        }
    }

    private static DeviceAssessment? Resolve(MachineConfig machine, string at, string what, string spec, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments, List<Problem> problems)
    {
        var match = DeviceMatcher.Find(spec, host.PciDevices);
        if (!match.IsWellFormed)
        {
            problems.Add(Error(machine, at, "bad-device-spec", $"'{spec}' is neither a vendor:device identity nor a PCI address.", "Write \"vendor:device\" such as \"10de:2206\", add \":subvendor:subdevice\" or \"@0000:01:00.0\" to tell identical cards apart, or write an address."));
            return null;
        }

        if (match.Matches.Count == 0)
        {
            problems.Add(Error(machine, at, "device-not-found", $"No {what} '{spec}' is present on this host.", "Run 'lodge devices' to see the devices and their ids."));
            return null;
        }

        if (match.Matches.Count > 1)
        {
            var addresses = string.Join(", ", match.Matches.Select(d => d.Address.ToString()));
            var example = DeviceMatcher.SpecFor(match.Matches[0], host.PciDevices);
            problems.Add(Error(machine, at, "device-ambiguous", $"'{spec}' matches {match.Matches.Count} devices on this host: {addresses}.", $"Name one of them, such as \"{example}\"."));
            return null;
        }

        var device = match.Matches[0];
        var assessment = assessments.FirstOrDefault(a => a.Device.Address == device.Address);
        if (assessment is null || DeviceKinds.Name(assessment.Kind) != (what == "GPU" ? "gpu" : "usb"))
        {
            problems.Add(Error(machine, at, "wrong-device-kind", $"The device {device.Address} ({device.DisplayName}) is not a {what}.", "Run 'lodge devices' to see the devices and their ids."));
            return null;
        }

        return assessment;
    }

    private static void CheckVerdict(MachineConfig machine, string at, string what, DeviceAssessment assessment, List<Problem> problems)
    {
        var address = assessment.Device.Address;
        if (assessment.Verdict == Verdict.Shared)
        {
            var blockers = string.Join(", ", assessment.Blockers.Select(b => b.ToString()));
            problems.Add(Error(machine, at, "device-shared", $"The {what} {address} shares IOMMU group {assessment.Device.IommuGroup} with {blockers}, which cannot go to the guest with it.", "Move the card to a slot with its own IOMMU group ('lodge devices' shows the groups), or pick another device."));
        }
        else if (assessment.Verdict is null or Verdict.NoIommu)
        {
            problems.Add(Error(machine, at, "no-iommu", $"The {what} {address} cannot be passed through: the host shows no IOMMU groups.", "Run 'lodge doctor' to see which kernel parameters and firmware settings are missing."));
        }
    }

    private static bool IsUsbDeviceSpec(string spec)
    {
        if (spec.StartsWith("port:", StringComparison.Ordinal))
        {
            return spec.Length > 5 && spec[5..].All(c => char.IsAsciiDigit(c) || c is '-' or '.');
        }

        return spec.Length == 9 && spec[4] == ':' && spec.Remove(4, 1).All(char.IsAsciiHexDigit);
    }
}
