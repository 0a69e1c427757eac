using Lodge.Linux;

namespace Lodge.App.Guests;

/// <summary>Whether a host USB device named as <c>VVVV:PPPP</c> or <c>port:BUS-PORT</c> is plugged in, from <c>/sys/bus/usb/devices</c>.</summary>
public static class UsbDevicePresence
{
    private const string Devices = "/sys/bus/usb/devices";

    /// <summary>True when the device is present, or when the host shows no USB devices at all (nothing to judge by).</summary>
    public static bool IsPresent(HostRoot root, string device)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(device);
        var entries = root.ListDirectory(Devices);
        if (entries.Count == 0)
        {
            return true;
        }

        // Entries are "usb1" (root hubs), "1-4.2" (devices) and "1-4.2:1.0" (interfaces); a port names a device entry.
        if (device.StartsWith("port:", StringComparison.Ordinal))
        {
            return entries.Contains(device[5..], StringComparer.Ordinal);
        }

        return entries.Where(e => !e.Contains(':', StringComparison.Ordinal)).Any(e =>
            string.Equals(root.ReadAttribute($"{Devices}/{e}/idVendor"), device[..4], StringComparison.OrdinalIgnoreCase)
            && string.Equals(root.ReadAttribute($"{Devices}/{e}/idProduct"), device[5..], StringComparison.OrdinalIgnoreCase));
    }
}
