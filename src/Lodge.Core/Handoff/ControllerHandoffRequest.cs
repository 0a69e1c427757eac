using Lodge.Core.Hardware;

namespace Lodge.Core.Handoff;

/// <summary>What to plan for a machine's <c>[[usb]] controller</c> entries: the functions to give to vfio-pci while the guest runs.</summary>
/// <param name="Guest">The machine.</param>
/// <param name="Devices">The controllers with the companions the machine plan added (the functions of their IOMMU groups).</param>
/// <param name="HostKeyboardGiven"><c>host_keyboard = true</c>: the machine file says the host's only keyboard may go with a controller.</param>
/// <param name="DiskUses">Disks behind the controllers that the host uses, as the shell found them.</param>
public sealed record ControllerHandoffRequest(string Guest, IReadOnlyList<PciAddress> Devices, bool HostKeyboardGiven, IReadOnlyList<ControllerDiskUse> DiskUses)
{
    /// <summary>How long each step may take.</summary>
    public HandoffTimeouts Timeouts { get; init; } = new();
}
