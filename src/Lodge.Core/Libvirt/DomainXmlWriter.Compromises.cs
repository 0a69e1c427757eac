using Lodge.Core.Planning;

namespace Lodge.Core.Libvirt;

/// <summary>Where the XML cannot say what the argv says: one sentence each, written as XML comments and, since libvirt
/// drops comments on define, printed by <c>lodge export</c> on stderr.</summary>
public static partial class DomainXmlWriter
{
    private const string PipeWireCompromise = "PipeWire audio is written as pulseaudio: libvirt 9.0 has no pipewire audio type, and PipeWire serves PulseAudio clients.";

    /// <summary>Every compromise the XML of <paramref name="plan"/> makes, in the order the XML makes them.</summary>
    public static IReadOnlyList<string> Compromises(MachinePlan plan)
    {
        var result = new List<string>();
        result.AddRange(plan.Disks.Where(d => d.Bus == "nvme" && !d.IsCdrom).Select(NvmeCompromise));
        result.AddRange(plan.Usb.Where(u => u.VendorId is null).Select(UsbPortCompromise));
        if (plan.Audio.Emulated && plan.Audio.Backend == "pipewire")
        {
            result.Add(PipeWireCompromise);
        }

        result.AddRange(plan.Shares.Where(s => s.Protocol == "smb").Select(SmbCompromise));
        return result;
    }

    // virt-xml-validate and virsh define of libvirt 9.0 know no 'nvme' disk bus (only NVMe host controllers as a source).
    private static string NvmeCompromise(DiskPlan disk) =>
        $"Disk '{disk.Id}' is NVMe in the argv but SATA in the XML: libvirt 9.0 has no NVMe disk bus.";

    // libvirt 9.0's USB hostdev source takes vendor/product or bus/device number, not a port.
    private static string UsbPortCompromise(UsbPlan usb) =>
        $"USB port {usb.HostBus}-{usb.HostPort} goes to qemu:commandline as a usb-host device: libvirt 9.0 selects host USB devices by id or bus/device number, not by port, so it does not give QEMU access to the device; run the guest as root or with 'lodge up'.";

    private static string SmbCompromise(SharePlan share) =>
        $"Share '{share.Tag}' uses SMB through Lodge's own smbd, which libvirt cannot express; share {share.Host} from the host yourself.";
}
