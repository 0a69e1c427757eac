using Lodge.Core.Hardware;

namespace Lodge.Core.Handoff;

/// <summary>The parts of one PCI device a handoff changes: its driver, its driver_override and its reset_method.</summary>
public sealed record PciDeviceState(PciAddress Address, string? Driver, string? DriverOverride, string? ResetMethod);
