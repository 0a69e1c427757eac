using System.Globalization;
using System.Text.RegularExpressions;
using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>USB host controllers, their root hubs and every device below them.</summary>
/// <remarks>
/// Attributes follow Documentation/ABI/stable/sysfs-bus-usb and sysfs-bus-usb. A root hub <c>usbN</c> is a child of
/// its controller's PCI directory (<c>/sys/devices/pci0000:00/0000:00:14.0/usb1</c>); devices are children named by
/// port path (<c>1-4</c>, then <c>1-4.2</c> inside a hub's directory) and interfaces are <c>1-4:1.0</c>.
/// The <c>serial</c> attribute is never read: it identifies the user's hardware and Lodge does not need it.
/// </remarks>
public sealed partial class SysfsScanner
{
    private const string UsbBusDir = "/sys/bus/usb";

    // USB tiers: a root hub and at most 5 hubs below it (USB 2.0 §4.1.1), so 7 levels of devices; a margin guards loops.
    private const int MaxUsbDepth = 8;

    private IReadOnlyList<UsbController> ScanUsb(IReadOnlyList<PciDevice> pci, IReadOnlyList<InputDevice> inputs, IdsDatabase ids)
    {
        // Without /sys/bus/usb the tree carries no USB facts at all (a dump of PCI only), so a USB-class PCI function
        // with no root hub says nothing. With it, such a function is a real controller without buses: unbound,
        // or bound to vfio-pci.
        var treeShowsUsb = _root.DirectoryExists(UsbBusDir);
        var hubParents = RootHubParents();
        var controllers = new List<UsbController>();
        foreach (var device in pci)
        {
            // The folder's path and the bus list only for a function that can hold a root hub (one string and one list
            // fewer for each of the host's other functions).
            List<UsbBus>? buses = null;

            // Only a host controller's folder holds root hubs: one of USB class, one whose class is unknown, or one the
            // bus's own list names as a hub's parent (an odd controller of another class). The others are not listed.
            if (device.Class is not { } cls || cls.IsUsbController || hubParents.Contains(device.Address))
            {
                var dir = $"{PciDevicesDir}/{device.Address}";
                foreach (var name in _root.ListDirectory(dir))
                {
                    if (RootHubRegex().Match(name) is { Success: true } m)
                    {
                        (buses ??= []).Add(ReadUsbBus(HostRoot.Combine(dir, name), m.Groups[1].Value, device.Address, inputs, ids));
                    }
                }
            }

            if (buses is { Count: > 0 } || (treeShowsUsb && device.Class?.IsUsbController == true))
            {
                buses ??= [];
                buses.Sort((a, b) => a.Number.CompareTo(b.Number));
                controllers.Add(new UsbController(device.Address, buses));
            }
        }

        return controllers;
    }

    // The PCI functions that hold a root hub, as /sys/bus/usb/devices names them (usbN links to .../0000:00:14.0/usbN).
    private HashSet<PciAddress> RootHubParents()
    {
        var parents = new HashSet<PciAddress>();
        foreach (var name in _root.ListDirectory($"{UsbBusDir}/devices"))
        {
            if (!RootHubRegex().IsMatch(name))
            {
                continue;
            }

            using var hub = _root.OpenFolder($"{UsbBusDir}/devices/{name}");
            if (PciAddress.TryParseKernelName(HostRoot.NameOf(HostRoot.ParentOf(hub.Canonical)), out var controller))
            {
                parents.Add(controller);
            }
        }

        return parents;
    }

    private UsbBus ReadUsbBus(string hubDir, string numberFromName, PciAddress controller, IReadOnlyList<InputDevice> inputs, IdsDatabase ids)
    {
        var number = ParseInt(_root.ReadAttribute($"{hubDir}/busnum"))
            ?? int.Parse(numberFromName, NumberStyles.None, CultureInfo.InvariantCulture);
        var devices = new List<UsbDevice>();
        CollectUsbDevices(hubDir, 1, controller, inputs, ids, devices);
        devices.Sort((a, b) => ComparePortPaths(a.PortPath, b.PortPath));
        return new UsbBus(number, NullIfEmpty(_root.ReadAttribute($"{hubDir}/speed")), devices);
    }

    private void CollectUsbDevices(string dir, int depth, PciAddress controller, IReadOnlyList<InputDevice> inputs, IdsDatabase ids, List<UsbDevice> into)
    {
        if (depth > MaxUsbDepth)
        {
            return;
        }

        foreach (var name in _root.ListDirectory(dir))
        {
            if (!UsbPortRegex().IsMatch(name))
            {
                continue;
            }

            var deviceDir = HostRoot.Combine(dir, name);
            into.Add(ReadUsbDevice(deviceDir, name, controller, inputs, ids));
            CollectUsbDevices(deviceDir, depth + 1, controller, inputs, ids, into);
        }
    }

    private UsbDevice ReadUsbDevice(string dir, string portPath, PciAddress controller, IReadOnlyList<InputDevice> inputs, IdsDatabase ids)
    {
        string? Attr(string name) => NullIfEmpty(_root.ReadAttribute($"{dir}/{name}"));

        var vendor = ParseHex16(Attr("idVendor"));
        var product = ParseHex16(Attr("idProduct"));
        var (hidKeyboard, hidMouse) = ReadBootInterfaces(dir, portPath);
        var keyboard = hidKeyboard || inputs.Any(i => i.IsKeyboard && i.UsbPortPath == portPath && i.Controller == controller);
        var mouse = hidMouse || inputs.Any(i => i.IsMouse && i.UsbPortPath == portPath && i.Controller == controller);

        return new UsbDevice
        {
            PortPath = portPath,
            Bus = ParseInt(Attr("busnum")),
            DeviceNumber = ParseInt(Attr("devnum")),
            VendorId = vendor,
            ProductId = product,
            Manufacturer = Attr("manufacturer"),
            Product = Attr("product"),
            Speed = Attr("speed"),

            // bDeviceClass is two hex digits; 09 is a hub (USB 2.0 §11.23.1).
            IsHub = Attr("bDeviceClass") == "09",
            VendorName = vendor is { } v ? ids.UsbVendor(v) : null,
            ProductName = vendor is { } v2 && product is { } p ? ids.UsbProduct(v2, p) : null,
            IsKeyboard = keyboard,
            IsMouse = mouse,
        };
    }

    // HID boot-protocol interfaces (HID 1.11 §4.2, §4.3): bInterfaceClass 03, bInterfaceSubClass 01 (boot),
    // bInterfaceProtocol 01 keyboard / 02 mouse. Interface directories are "<port>:<config>.<interface>", e.g. 1-4:1.0.
    private (bool Keyboard, bool Mouse) ReadBootInterfaces(string dir, string portPath)
    {
        bool keyboard = false, mouse = false;
        var prefix = portPath + ":";
        foreach (var name in _root.ListDirectory(dir))
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !InterfaceRegex().IsMatch(name))
            {
                continue;
            }

            var iface = HostRoot.Combine(dir, name);
            if (_root.ReadAttribute($"{iface}/bInterfaceClass") != "03" || _root.ReadAttribute($"{iface}/bInterfaceSubClass") != "01")
            {
                continue;
            }

            switch (_root.ReadAttribute($"{iface}/bInterfaceProtocol"))
            {
                case "01":
                    keyboard = true;
                    break;
                case "02":
                    mouse = true;
                    break;
            }
        }

        return (keyboard, mouse);
    }

    // "1-4.2" before "1-10": compare the bus, then each port number.
    private static int ComparePortPaths(string a, string b)
    {
        var pa = a.Split('-', '.');
        var pb = b.Split('-', '.');
        for (var i = 0; i < Math.Min(pa.Length, pb.Length); i++)
        {
            var c = int.TryParse(pa[i], CultureInfo.InvariantCulture, out var x) && int.TryParse(pb[i], CultureInfo.InvariantCulture, out var y)
                ? x.CompareTo(y)
                : string.CompareOrdinal(pa[i], pb[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return pa.Length.CompareTo(pb.Length);
    }

    [GeneratedRegex(@"^usb(\d{1,6})$", RegexOptions.CultureInvariant)]
    private static partial Regex RootHubRegex();

    [GeneratedRegex(@"^\d+-[\d.]+:\d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex InterfaceRegex();
}
