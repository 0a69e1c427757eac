using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Runtime;

namespace Lodge.Linux.Handoff;

/// <summary>Finds the disks behind PCI controllers that the host uses: what keeps a controller from going to a guest.</summary>
/// <remarks>
/// <c>/sys/block/NAME</c> links to the disk's device below its controller, for example
/// <c>../devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host0/target0:0:0/0:0:0:0/block/sda</c>; a disk whose link
/// passes through a controller hangs off it. Its uses (mounts of it or its partitions, swap, holders such as LVM or
/// dm-crypt) come from <see cref="PathFactsReader"/> (Documentation/ABI/stable/sysfs-block).
/// </remarks>
public static class ControllerDisks
{
    /// <summary>Every disk below <paramref name="root"/>'s <c>/sys/block</c> that hangs off one of <paramref name="controllers"/> and is in use.</summary>
    public static IReadOnlyList<ControllerDiskUse> InUse(HostRoot root, IReadOnlyList<PciAddress> controllers)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(controllers);
        var result = new List<ControllerDiskUse>();
        if (controllers.Count == 0)
        {
            return result;
        }

        var facts = new PathFactsReader(root);
        foreach (var disk in root.ListDirectory("/sys/block"))
        {
            var link = root.ReadLink($"/sys/block/{disk}");
            if (link is null)
            {
                continue;
            }

            var parts = link.Split('/');
            if (controllers.Where(c => parts.Contains(c.ToString(), StringComparer.Ordinal)).Select(c => (PciAddress?)c).FirstOrDefault() is not { } controller)
            {
                continue;
            }

            var uses = facts.Read($"/dev/{disk}").Uses;
            if (uses.Count > 0)
            {
                result.Add(new ControllerDiskUse(controller, disk, string.Join("; ", uses.Select(u => u.Describe()))));
            }
        }

        return result;
    }
}
