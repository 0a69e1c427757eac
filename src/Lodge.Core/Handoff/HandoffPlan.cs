using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Core.Handoff;

/// <summary>The ordered steps that give a GPU (and every endpoint of its IOMMU group) to a guest; the way back is their undos in reverse.</summary>
/// <param name="Endpoints">The functions bound to vfio-pci for the guest: the GPU first, then its group's other endpoints.</param>
/// <param name="OriginalDrivers">Each endpoint's driver before the handoff (null: none), what the way back restores.</param>
/// <param name="Refusals">Why the plan must not run (a held GPU, a missing device); empty when it may.</param>
/// <param name="Warnings">Facts the user should know (no vendor-reset for a reset-bug GPU, a builtin driver that stays).</param>
public sealed record HandoffPlan(
    string Guest,
    PciAddress Gpu,
    GpuMode Mode,
    IReadOnlyList<PciAddress> Endpoints,
    IReadOnlyDictionary<PciAddress, string?> OriginalDrivers,
    IReadOnlyList<HandoffStep> Steps,
    IReadOnlyList<string> Refusals,
    IReadOnlyList<string> Warnings)
{
    /// <summary>True when nothing stops the plan from running.</summary>
    public bool CanRun => Refusals.Count == 0;

    /// <summary>The step with this 1-based index.</summary>
    public HandoffStep Step(int index) => Steps[index - 1];
}
