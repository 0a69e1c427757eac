namespace Lodge.Core.Qemu;

/// <summary>The emulated video device, SPICE or VNC on a unix socket, and Looking Glass's ivshmem.</summary>
public sealed partial class QemuArgvBuilder
{
    private void AddDisplay()
    {
        var display = _plan.Display;
        if (display.Video is { } video)
        {
            Add("-device", (video == "VGA" ? "VGA,vgamem_mb=64" : video) + "," + GuestPciSlots.OnRoot(GuestPciSlots.Video));
        }

        if (display.Type is "spice" or "looking-glass")
        {
            Add("-spice", $"unix=on,addr={display.Socket},disable-ticketing=on");
            Add("-device", $"virtio-serial-pci,id=vserial0,{GuestPciSlots.OnRoot(GuestPciSlots.Serial)}");
            Add("-chardev", "spicevmc,id=vdagent,name=vdagent");
            Add("-device", "virtserialport,bus=vserial0.0,chardev=vdagent,name=com.redhat.spice.0");
        }
        else if (display.Type == "vnc")
        {
            Add("-vnc", $"unix:{display.Socket}");
        }

        if (display.LookingGlassPath is { } path)
        {
            Add("-object", $"memory-backend-file,id=lg,mem-path={path},size={display.LookingGlassMiB}M,share=on");
            Add("-device", $"ivshmem-plain,memdev=lg,{GuestPciSlots.OnRoot(GuestPciSlots.Ivshmem)}");
        }
    }
}
