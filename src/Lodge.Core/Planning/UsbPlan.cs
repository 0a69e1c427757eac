namespace Lodge.Core.Planning;

/// <summary>A USB device given to the guest through usb-host, by vendor:product or by host port.</summary>
/// <param name="HostBus">The host bus for a port match, else null.</param>
/// <param name="HostPort">The port path below the bus (e.g. <c>4.2</c>) for a port match, else null.</param>
public sealed record UsbPlan(ushort? VendorId, ushort? ProductId, int? HostBus, string? HostPort);
