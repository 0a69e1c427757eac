using Lodge.Linux;

namespace Lodge.Web;

/// <summary>The USB devices plugged into the host, by name, from <c>/sys/bus/usb/devices</c> below the host root; what
/// the Guest page offers to attach.</summary>
public static class HostUsbList
{
    private const string Devices = "/sys/bus/usb/devices";

    /// <summary>The devices (root hubs left out); with <paramref name="testHooks"/> (<c>LODGE_TEST_HOOKS=1</c>) also the
    /// emulated devices <c>lodge usb attach</c> accepts then.</summary>
    public static List<HostUsbDevice> Read(HostRoot root, bool testHooks)
    {
        ArgumentNullException.ThrowIfNull(root);
        var list = new List<HostUsbDevice>();
        foreach (var entry in root.ListDirectory(Devices).Where(e => !e.Contains(':', StringComparison.Ordinal) && !e.StartsWith("usb", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var vendor = root.ReadAttribute($"{Devices}/{entry}/idVendor");
            var product = root.ReadAttribute($"{Devices}/{entry}/idProduct");
            if (vendor is null || product is null)
            {
                continue;
            }

            // Names only (manufacturer and product strings), never the serial number.
            var name = string.Join(' ', new[] { root.ReadAttribute($"{Devices}/{entry}/manufacturer"), root.ReadAttribute($"{Devices}/{entry}/product") }.Where(s => !string.IsNullOrWhiteSpace(s)));
            list.Add(new HostUsbDevice($"port:{entry}", entry, $"{(name.Length > 0 ? name : "USB device")} ({vendor}:{product})"));
        }

        if (testHooks)
        {
            list.Add(new HostUsbDevice("emulated:usb-kbd", "emulated", "QEMU emulated USB keyboard (test hook)"));
            list.Add(new HostUsbDevice("emulated:usb-tablet", "emulated", "QEMU emulated USB tablet (test hook)"));
        }

        return list;
    }
}
