namespace Lodge.Core.Hardware;

/// <summary>An IOMMU group (<c>/sys/kernel/iommu_groups/&lt;id&gt;</c>) and the functions in it.</summary>
public sealed record IommuGroup(int Id, IReadOnlyList<PciAddress> Devices, string? Type);
