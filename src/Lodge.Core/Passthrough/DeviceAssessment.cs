using Lodge.Core.Hardware;

namespace Lodge.Core.Passthrough;

/// <summary>A passthrough candidate with its verdict, its companions and blockers, and the findings about it.</summary>
public sealed record DeviceAssessment(
    PciDevice Device,
    DeviceKind Kind,
    Verdict? Verdict,
    IReadOnlyList<PciAddress> Companions,
    IReadOnlyList<PciAddress> Blockers,
    IReadOnlyList<Finding> Findings)
{
    /// <summary>True when the verdict lets the device go to a guest.</summary>
    public bool IsPassable => Verdict is { } v && Verdicts.IsPassable(v);
}
