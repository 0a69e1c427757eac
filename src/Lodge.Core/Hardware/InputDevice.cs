namespace Lodge.Core.Hardware;

/// <summary>An input device from <c>/proc/bus/input/devices</c> and <c>/dev/input/by-id</c>.</summary>
/// <param name="Name">The N: line.</param>
/// <param name="EventNode">e.g. <c>event3</c>.</param>
/// <param name="ById">The <c>/dev/input/by-id</c> links that point at the event node.</param>
/// <param name="SysfsPath">The S: line (a path under /sys), used to find the USB port and controller.</param>
/// <param name="UsbPortPath">The USB device (e.g. <c>1-4</c>) it belongs to, when it is on USB.</param>
/// <param name="Controller">The PCI controller it hangs off, when known.</param>
public sealed record InputDevice(
    string Name,
    string? EventNode,
    IReadOnlyList<string> ById,
    string? SysfsPath,
    bool IsKeyboard,
    bool IsMouse,
    string? UsbPortPath,
    PciAddress? Controller);
