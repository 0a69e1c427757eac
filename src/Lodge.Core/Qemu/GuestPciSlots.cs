using System.Globalization;

namespace Lodge.Core.Qemu;

/// <summary>The fixed guest PCI address of every device Lodge puts on q35's root bus (<c>pcie.0</c>), shared by the argv
/// and the libvirt XML.</summary>
/// <remarks>
/// Each kind of device has its own slot, and numbered ones (disks, shares, USB controllers) a range, so adding a device
/// later never moves another: Windows keys drivers and activation to device locations. Slot 0 is the host bridge and
/// slot 0x1f q35's ICH9 (LPC, SATA, SMBus). A passed GPU sits below its own root port, at function 0 with its other
/// functions at 1, 2, ... of the same guest slot.
/// </remarks>
public static class GuestPciSlots
{
    /// <summary>The emulated video card (VGA or virtio-vga): slot 1, where QEMU and libvirt put the primary display.</summary>
    public const int Video = 0x01;

    /// <summary>The root port of the passed GPU.</summary>
    public const int GpuPort = 0x02;

    /// <summary>The first of <see cref="ControllerPortCount"/> root ports for passed USB controllers.</summary>
    public const int FirstControllerPort = 0x03;

    /// <summary>How many passed USB controller slots there is room for.</summary>
    public const int ControllerPortCount = 3;

    /// <summary>virtio-net.</summary>
    public const int Network = 0x06;

    /// <summary>The qemu-xhci controller every guest has.</summary>
    public const int Xhci = 0x07;

    /// <summary>The virtio-scsi controller.</summary>
    public const int Scsi = 0x08;

    /// <summary>The ich9-intel-hda sound card.</summary>
    public const int Sound = 0x09;

    /// <summary>virtio-keyboard-pci.</summary>
    public const int Keyboard = 0x0a;

    /// <summary>virtio-mouse-pci or virtio-tablet-pci.</summary>
    public const int Pointer = 0x0b;

    /// <summary>virtio-balloon-pci.</summary>
    public const int Balloon = 0x0c;

    /// <summary>virtio-serial-pci (the SPICE agent's channel).</summary>
    public const int Serial = 0x0d;

    /// <summary>Looking Glass's ivshmem-plain.</summary>
    public const int Ivshmem = 0x0e;

    /// <summary>A GVT-g mediated device.</summary>
    public const int Mdev = 0x0f;

    /// <summary>The first of <see cref="DiskCount"/> slots for virtio-blk and NVMe disks, in the machine file's order.</summary>
    public const int FirstDisk = 0x10;

    /// <summary>How many PCI disks there is room for.</summary>
    public const int DiskCount = 8;

    /// <summary>The first of <see cref="ShareCount"/> slots for virtiofs and 9p shares, in the machine file's order.</summary>
    public const int FirstShare = 0x18;

    /// <summary>How many PCI shares there is room for.</summary>
    public const int ShareCount = 4;

    /// <summary>The argv form of a root-bus address, as libvirt writes it: <c>bus=pcie.0,addr=0x7</c>.</summary>
    public static string OnRoot(int slot) => $"bus=pcie.0,addr=0x{slot.ToString("x", CultureInfo.InvariantCulture)}";

    /// <summary>The argv form of slot 0, function <paramref name="function"/> below a root port: <c>bus=rp0,addr=0x0.0x1</c>.</summary>
    public static string BelowPort(string port, int function) => function == 0 ? $"bus={port},addr=0x0" : $"bus={port},addr=0x0.0x{function.ToString("x", CultureInfo.InvariantCulture)}";
}
