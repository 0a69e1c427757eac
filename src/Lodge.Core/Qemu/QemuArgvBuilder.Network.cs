namespace Lodge.Core.Qemu;

/// <summary>virtio-net on user networking, a bridge (through qemu-bridge-helper) or a tap.</summary>
public sealed partial class QemuArgvBuilder
{
    private void AddNetwork()
    {
        var net = _plan.Network;
        var netdev = net.Kind switch
        {
            "user" => "user,id=net0",
            "bridge" => $"bridge,id=net0,br={net.Interface}",
            "tap" => $"tap,id=net0,ifname={net.Interface},script=no,downscript=no",
            _ => null,
        };
        if (netdev is null)
        {
            return;
        }

        Add("-netdev", netdev);
        Add("-device", $"virtio-net-pci,netdev=net0,mac={net.Mac}");
    }
}
