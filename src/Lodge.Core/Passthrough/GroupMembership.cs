using Lodge.Core.Hardware;

namespace Lodge.Core.Passthrough;

/// <summary>The verdict rule on its own: how a device's IOMMU group splits into companions and blockers.</summary>
/// <param name="Verdict">null when the device has no group although the host has an IOMMU (e.g. AMD's 00:00.2).</param>
public sealed record GroupMembership(Verdict? Verdict, IReadOnlyList<PciAddress> Companions, IReadOnlyList<PciAddress> Blockers);
