namespace Lodge.Core.Hardware;

/// <summary>Facts decoded from a device's configuration space.</summary>
/// <param name="Length">Bytes readable: 64 unprivileged, 256 for conventional PCI, 4096 with extended space.</param>
/// <param name="PortType">The PCIe device/port type, or null when there is no PCI Express capability.</param>
/// <param name="Acs">The ACS capability, or null when absent or when extended space was not readable.</param>
/// <param name="ExtendedSpaceReadable">True when the 4096-byte extended space was read, so a missing ACS capability is a fact.</param>
public sealed record PciConfigInfo(int Length, PciePortType? PortType, AcsCapability? Acs, bool ExtendedSpaceReadable)
{
    /// <summary>The size in MiB of the first BAR the Resizable BAR capability (extended capability 0x0015) controls, as it
    /// is set now; null when the device has no such capability or its extended space was not readable.</summary>
    /// <remarks>A GPU's BAR 0 is 256 MiB unless Resizable BAR is on in the firmware; larger means it is on.</remarks>
    public long? ResizableBarMiB { get; init; }

    /// <summary>True when the port should carry ACS for its downstream devices to be isolated and the config space shows it does not.</summary>
    public bool AcsKnownMissing =>
        ExtendedSpaceReadable && Acs is null && PortType is PciePortType.RootPort or PciePortType.DownstreamPort;
}
