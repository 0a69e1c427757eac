namespace Lodge.Core.Doctor;

/// <summary>A titled group of checks, e.g. "Virtualization" or "IOMMU".</summary>
public sealed record DoctorSection(string Title, IReadOnlyList<DoctorCheck> Checks);
