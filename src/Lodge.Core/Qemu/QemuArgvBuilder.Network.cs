using Lodge.Core.Machines;

namespace Lodge.Core.Qemu;

/// <summary>virtio-net on user networking, a bridge (through qemu-bridge-helper) or a tap.</summary>
/// <remarks>virtio-net has no iothread property; on a bridge or tap its data path runs in the kernel's vhost-net
/// thread instead (<c>vhost=on</c>), which is what the iothread does for disks.</remarks>
public sealed partial class QemuArgvBuilder
{
    private void AddNetwork()
    {
        var net = _plan.Network;
        var netdev = net.Kind switch
        {
            NetworkKind.User => "user,id=net0",
            NetworkKind.Bridge => $"bridge,id=net0,br={net.Interface},vhost=on",
            NetworkKind.Tap => $"tap,id=net0,ifname={net.Interface},script=no,downscript=no,vhost=on",
            _ => null,
        };
        if (netdev is null)
        {
            return;
        }

        Add("-netdev", netdev);
        Add("-device", $"virtio-net-pci,netdev=net0,mac={net.Mac},{GuestPciSlots.OnRoot(GuestPciSlots.Network)}");
    }
}
