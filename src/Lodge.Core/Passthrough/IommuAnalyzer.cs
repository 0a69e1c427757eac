using Lodge.Core.Hardware;

namespace Lodge.Core.Passthrough;

/// <summary>Applies the verdict rule to a device's IOMMU group.</summary>
/// <remarks>
/// The rule: with no IOMMU groups on the host at all, the verdict is <c>no-iommu</c>. Otherwise the other members
/// of the device's group are examined in this order: a function the host itself needs (an ISA/LPC bridge 0x0601, an
/// SMBus controller 0x0c05 or a storage controller 0x01xxxx) is a blocker wherever it sits; one in the same
/// domain:bus:device is a companion (another function of the same card, which must go along); a PCI bridge (0x0604)
/// or host bridge (0x0600) is ignored; anything else is a blocker. No companions and no blockers is <c>isolated</c>; only companions is
/// <c>with-companions</c>; any blocker is <c>shared</c>. A group is viable for VFIO only when every endpoint in
/// it is given to vfio-pci, which is why a blocker has to go with the device (kernel Documentation/driver-api/vfio.rst).
/// </remarks>
public static class IommuAnalyzer
{
    /// <summary>Splits the device's group into companions and blockers and gives the verdict.</summary>
    public static GroupMembership Classify(HostSnapshot host, PciDevice device)
    {
        if (host.IommuGroups.Count == 0)
        {
            return new GroupMembership(Verdict.NoIommu, [], []);
        }

        if (device.IommuGroup is not { } groupId || host.FindGroup(groupId) is not { } group)
        {
            return new GroupMembership(null, [], []);
        }

        return Classify(device.Address, group.Devices, a => host.FindDevice(a)?.Class);
    }

    /// <summary>The rule over plain data: the device, its group's members, and a class lookup.</summary>
    public static GroupMembership Classify(PciAddress device, IEnumerable<PciAddress> groupMembers, Func<PciAddress, PciClass?> classOf)
    {
        var companions = new List<PciAddress>();
        var blockers = new List<PciAddress>();
        foreach (var member in groupMembers)
        {
            if (member == device)
            {
                continue;
            }

            var cls = classOf(member);
            if (IsHostCritical(cls))
            {
                blockers.Add(member);
                continue;
            }

            if (member.IsSameSlot(device))
            {
                companions.Add(member);
                continue;
            }

            if (cls is { IsPciBridge: true } or { IsHostBridge: true })
            {
                continue;
            }

            blockers.Add(member);
        }

        companions.Sort();
        blockers.Sort();
        var verdict = blockers.Count > 0 ? Verdict.Shared : companions.Count > 0 ? Verdict.WithCompanions : Verdict.Isolated;
        return new GroupMembership(verdict, companions, blockers);
    }

    /// <summary>True for a function the host itself needs: an ISA/LPC bridge (0x0601), an SMBus controller (0x0c05) or a storage controller (0x01xxxx).</summary>
    /// <remarks>Giving a guest the host's LPC bridge hangs the host; giving it the SATA or NVMe controller takes the host's disks.</remarks>
    public static bool IsHostCritical(PciClass? cls) => cls is { Code: 0x0601 or 0x0c05 } or { BaseClass: 0x01 };
}
