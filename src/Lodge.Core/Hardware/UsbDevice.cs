namespace Lodge.Core.Hardware;

/// <summary>A USB device under a root hub. <see cref="PortPath"/> is the kernel's name, e.g. <c>1-4.2</c>.</summary>
public sealed record UsbDevice
{
    public required string PortPath { get; init; }

    public int? Bus { get; init; }

    public int? DeviceNumber { get; init; }

    public ushort? VendorId { get; init; }

    public ushort? ProductId { get; init; }

    public string? Manufacturer { get; init; }

    public string? Product { get; init; }

    /// <summary>Mbit/s as the kernel writes it (1.5, 12, 480, 5000, ...).</summary>
    public string? Speed { get; init; }

    /// <summary>True when a hub (bDeviceClass 09).</summary>
    public bool IsHub { get; init; }

    /// <summary>Names from usb.ids, when known.</summary>
    public string? VendorName { get; init; }

    public string? ProductName { get; init; }

    public bool IsKeyboard { get; init; }

    public bool IsMouse { get; init; }

    public string DisplayName =>
        Product ?? ProductName ?? $"[{VendorId?.ToString("x4") ?? "????"}:{ProductId?.ToString("x4") ?? "????"}]";
}
