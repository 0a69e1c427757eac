namespace Lodge.Core.Machines;

/// <summary>One <c>[[usb]]</c>: a USB device (<c>vendor:product</c> or <c>port:1-4.2</c>) or a whole controller.</summary>
public sealed record UsbConfig(string? Device, string? Controller);
