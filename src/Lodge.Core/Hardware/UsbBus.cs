namespace Lodge.Core.Hardware;

/// <summary>A root hub (<c>usbN</c>) with every device below it.</summary>
/// <param name="Speed">Mbit/s from the root hub's <c>speed</c> file (480, 5000, 10000, ...).</param>
public sealed record UsbBus(int Number, string? Speed, IReadOnlyList<UsbDevice> Devices);
