namespace Lodge.Core.Hardware;

/// <summary>A USB host controller (a PCI function) and the buses its root hubs serve.</summary>
public sealed record UsbController(PciAddress Address, IReadOnlyList<UsbBus> Buses);
