using System.Text;
using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Machines;

/// <summary>The commented TOML that <c>lodge new</c> writes, with defaults taken from the host.</summary>
public static class MachineTemplate
{
    /// <summary>Writes a machine file for <paramref name="os"/>; <paramref name="gpu"/> is <c>auto</c>, <c>none</c> or a device spec.</summary>
    public static string Write(GuestOs os, string gpu, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments)
    {
        var smt = host.Topology.Cpus.Any(c => c.ThreadSiblings.Count > 1);
        var threads = smt ? 2 : 1;
        var hostCores = host.Topology.Cpus.Count > 0 ? host.Topology.Cores : 0;
        var cores = hostCores > 0 ? Math.Clamp(hostCores / 2, 2, 8) : 4;
        var totalGiB = (host.Memory.TotalKiB ?? 16L << 20) >> 20;
        var memoryGiB = Math.Clamp(totalGiB / 2, 4, 16);
        var windows = os is GuestOs.Windows11 or GuestOs.Windows10;

        var b = new StringBuilder();
        b.AppendLine("# A Lodge machine. 'lodge check NAME' validates it against this host.");
        b.AppendLine($"os = \"{MachineParser.NameOf(os)}\"            # windows11 | windows10 | macos | linux | other");
        if (host.Tools.QemuCaps?.NewestQ35 is { } machineType)
        {
            b.AppendLine($"machine = \"{machineType}\"      # the installed QEMU's machine type, pinned so the guest's hardware survives QEMU upgrades");
        }

        b.AppendLine("qemu_args = []              # appended verbatim to the QEMU command line");
        b.AppendLine();
        b.AppendLine("[cpu]");
        b.AppendLine(hostCores > 0 ? $"cores = {cores}                   # half of this host's {hostCores} cores, at most 8" : $"cores = {cores}                   # this host's topology is unknown");
        b.AppendLine($"threads = {threads}                 # SMT threads per guest core");
        b.AppendLine("pin = \"auto\"                # auto | none | \"4-11,16-23\" (host CPUs)");
        b.AppendLine();
        b.AppendLine("[memory]");
        b.AppendLine($"size = \"{memoryGiB}G\"");
        b.AppendLine("hugepages = \"auto\"          # auto | off | \"2M\" | \"1G\"");
        b.AppendLine();
        b.AppendLine("[firmware]");
        b.AppendLine($"type = \"{(os == GuestOs.Windows11 ? "uefi-secure" : "uefi")}\"              # uefi | uefi-secure | bios");
        b.AppendLine($"tpm = {(os == GuestOs.Windows11 ? "true" : "false")}");
        b.AppendLine();
        b.AppendLine("[[disk]]");
        b.AppendLine("path = \"system.qcow2\"       # relative to the machine's state folder");
        b.AppendLine($"size = \"{(windows || os == GuestOs.MacOs ? 128 : 64)}G\"               # created when missing");
        b.AppendLine("bus = \"virtio\"              # virtio | scsi | nvme | sata");
        b.AppendLine();
        b.AppendLine("# [[disk]]");
        b.AppendLine("# cdrom = \"/path/to/installer.iso\"");
        b.AppendLine();
        b.AppendLine("# [[disk]]                    # a whole host disk, given to the guest raw");
        b.AppendLine("# path = \"/dev/disk/by-id/...\"");
        b.AppendLine("# passthrough = true         # required for a block device; refused while anything on it is mounted");
        b.AppendLine();
        b.AppendLine("[network]");
        b.AppendLine("mode = \"user\"               # user | \"bridge:br0\" | \"tap:tap0\" | none");
        b.AppendLine();
        AppendGpu(b, gpu, host, assessments);
        b.AppendLine();
        b.AppendLine("[input]");
        b.AppendLine("evdev = \"auto\"              # auto | none | [paths under /dev/input/by-id]");
        b.AppendLine("toggle = \"ctrl-ctrl\"");
        b.AppendLine();
        b.AppendLine("[audio]");
        b.AppendLine("backend = \"auto\"            # auto | pipewire | pulseaudio | jack | none");
        b.AppendLine("device = \"hda\"              # hda | usb | gpu-hdmi");
        if (os == GuestOs.MacOs)
        {
            b.AppendLine();
            b.AppendLine("[macos]");
            b.AppendLine("opencore = \"OpenCore.qcow2\" # the OpenCore boot disk you supply, relative to the state folder");
            b.AppendLine("# osk = \"...\"                # the Apple SMC key (64 characters) from a real Mac; Lodge never ships it");
        }

        return b.ToString();
    }

    private static void AppendGpu(StringBuilder b, string gpu, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments)
    {
        b.AppendLine("[gpu]");
        if (gpu == "none")
        {
            b.AppendLine("mode = \"virtio\"             # dedicated | handoff | gvt-g | virtio | none");
            return;
        }

        if (gpu != "auto")
        {
            // The boot VGA can only be lent to a guest while it runs ('check' refuses 'dedicated' for it).
            var bootVga = DeviceMatcher.Find(gpu, host.PciDevices).Matches is [{ BootVga: true }];
            b.AppendLine($"device = \"{gpu}\"");
            b.AppendLine(bootVga
                ? "mode = \"handoff\"            # the host boots on this GPU, so it is lent to the guest while it runs"
                : "mode = \"dedicated\"          # dedicated | handoff | gvt-g | virtio | none");
            b.AppendLine("rom = \"auto\"                # auto | a path | none");
            return;
        }

        if (MachineValidator.PickGuestGpu(assessments) is not { } pick)
        {
            var igpu = assessments.FirstOrDefault(a => a.Kind == DeviceKind.Gpu && IntelGraphics.Of(a.Device) == IntelIgpuGeneration.GvtG);
            b.AppendLine(igpu is null
                ? "# No discrete GPU on this host can be passed through; see 'lodge devices'."
                : $"# No discrete GPU on this host can be passed through; the iGPU {igpu.Device.Address} supports GVT-g (mode = \"gvt-g\", then 'lodge setup').");
            b.AppendLine("mode = \"virtio\"             # dedicated | handoff | gvt-g | virtio | none");
            return;
        }

        var device = pick.Device;
        b.AppendLine($"device = \"{DeviceMatcher.SpecFor(device, host.PciDevices)}\"        # {device.DisplayName} at {device.Address}");
        if (device.BootVga == true)
        {
            var igpu = assessments.FirstOrDefault(a => a.Kind == DeviceKind.Gpu && IntegratedGpu.Is(a.Device));
            b.AppendLine(igpu is null
                ? "# The host boots on this GPU: it is lent to the guest while it runs, and the host's screen goes dark until then."
                : $"# The host boots on this GPU: it is lent to the guest while it runs. To keep the host's screen, make the iGPU {igpu.Device.Address} primary in the firmware setup and use mode = \"dedicated\".");
            b.AppendLine("mode = \"handoff\"            # dedicated | handoff | gvt-g | virtio | none");
        }
        else
        {
            b.AppendLine("mode = \"dedicated\"          # dedicated | handoff | gvt-g | virtio | none");
        }

        b.AppendLine("rom = \"auto\"                # auto | a path | none");
        if (device.Class is { Is3dController: true })
        {
            b.AppendLine();
            b.AppendLine("# This GPU is a 3D controller without display outputs (a laptop's discrete GPU): Looking Glass shows what it");
            b.AppendLine("# renders once a virtual display driver runs in the guest; an emulated adapter shows the firmware and boot.");
            b.AppendLine("[display]");
            b.AppendLine("type = \"looking-glass\"      # none | spice | vnc | looking-glass");
            b.AppendLine("resolution = \"1920x1080\"");
        }
    }
}
