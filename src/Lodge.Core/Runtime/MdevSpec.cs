namespace Lodge.Core.Runtime;

/// <summary>A mediated device (Intel GVT-g) to create before QEMU starts and remove after it ends:
/// <c>echo UUID &gt; /sys/bus/pci/devices/PARENT/mdev_supported_types/TYPE/create</c>.</summary>
public sealed record MdevSpec(string Parent, string Type, string Uuid)
{
    /// <summary>Where the kernel shows the created device, which QEMU's vfio-pci <c>sysfsdev=</c> names.</summary>
    public string SysfsPath => $"/sys/bus/mdev/devices/{Uuid}";
}
