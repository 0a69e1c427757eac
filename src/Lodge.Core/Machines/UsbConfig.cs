namespace Lodge.Core.Machines;

/// <summary>One <c>[[usb]]</c>: a USB device (<c>vendor:product</c> or <c>port:1-4.2</c>) or a whole controller.</summary>
/// <param name="HostKeyboard"><c>host_keyboard = true</c>: the controller may take the host's only keyboard with it (otherwise <c>up</c> refuses).</param>
public sealed record UsbConfig(string? Device, string? Controller, bool HostKeyboard = false);
