using Lodge.Core.Hardware;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

public class UsbSpecs
{
    private const string Xhci = "/sys/devices/pci0000:00/0000:00:14.0";

    [Fact]
    public void I_can_list_USB_controllers_with_their_buses_and_devices()
    {
        // Arrange
        using var tree = DesktopTree();

        // Act
        var controllers = new SysfsScanner(tree.Host).Scan().UsbControllers;

        // Assert
        var xhci = Assert.Single(controllers);
        Assert.Equal(PciAddress.Parse("0000:00:14.0"), xhci.Address);
        Assert.Equal([1, 2], xhci.Buses.Select(b => b.Number));
        Assert.Equal(["480", "10000"], xhci.Buses.Select(b => b.Speed));
        var receiver = xhci.Buses[0].Devices.Single(d => d.PortPath == "1-4");
        Assert.Equal((ushort)0x046d, receiver.VendorId);
        Assert.Equal((ushort)0xc52b, receiver.ProductId);
        Assert.Equal("Logitech", receiver.Manufacturer);
        Assert.Equal("USB Receiver", receiver.Product);
        Assert.Equal("12", receiver.Speed);
        Assert.Equal(1, receiver.Bus);
        Assert.Equal(3, receiver.DeviceNumber);
        Assert.False(receiver.IsHub);
        Assert.Equal("Logitech, Inc.", receiver.VendorName);
        Assert.Equal("Unifying Receiver", receiver.ProductName);
        Assert.Empty(xhci.Buses[1].Devices);
    }

    [Fact]
    public void I_can_see_the_devices_behind_a_hub_in_port_order()
    {
        // Arrange
        using var tree = DesktopTree()
            .File($"{Xhci}/usb1/1-10/idVendor", "0bda\n")
            .File($"{Xhci}/usb1/1-2/1-2.10/idVendor", "0bda\n");

        // Act
        var bus = new SysfsScanner(tree.Host).Scan().UsbControllers[0].Buses[0];

        // Assert
        Assert.Equal(["1-2", "1-2.3", "1-2.10", "1-4", "1-10"], bus.Devices.Select(d => d.PortPath));
        Assert.True(bus.Devices[0].IsHub);
    }

    [Fact]
    public void I_can_tell_keyboards_and_mice_from_HID_boot_interfaces_and_from_input_devices()
    {
        // Arrange
        using var tree = DesktopTree().File("/proc/bus/input/devices", """
            I: Bus=0003 Vendor=1532 Product=0084 Version=0111
            N: Name="Razer BlackWidow"
            S: Sysfs=/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2.3/1-2.3:1.0/0003:1532:0084.0003/input/input7
            H: Handlers=sysrq kbd leds event7
            B: EV=120013

            """);

        // Act
        var devices = new SysfsScanner(tree.Host).Scan().UsbControllers[0].Buses[0].Devices;

        // Assert
        var receiver = devices.Single(d => d.PortPath == "1-4");
        Assert.True(receiver.IsKeyboard);
        Assert.True(receiver.IsMouse);
        var razer = devices.Single(d => d.PortPath == "1-2.3");
        Assert.True(razer.IsKeyboard);
        Assert.False(razer.IsMouse);
        Assert.False(devices.Single(d => d.PortPath == "1-2").IsKeyboard);
    }

    [Fact]
    public void I_can_see_a_USB_controller_that_has_no_root_hub_because_vfio_pci_holds_it()
    {
        // Arrange
        using var tree = DesktopTree()
            .File("/sys/devices/pci0000:00/0000:05:00.0/class", "0x0c0330\n")
            .Link("/sys/devices/pci0000:00/0000:05:00.0/driver", "../../../bus/pci/drivers/vfio-pci")
            .Link("/sys/bus/pci/devices/0000:05:00.0", "../../../devices/pci0000:00/0000:05:00.0");

        // Act
        var controllers = new SysfsScanner(tree.Host).Scan().UsbControllers;

        // Assert
        Assert.Equal(["0000:00:14.0", "0000:05:00.0"], controllers.Select(c => c.Address.ToString()));
        Assert.Empty(controllers[1].Buses);
    }

    [Fact]
    public void I_get_no_USB_controllers_from_a_tree_that_captured_no_USB_at_all()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File($"{Xhci}/class", "0x0c0330\n")
            .Link("/sys/bus/pci/devices/0000:00:14.0", "../../../devices/pci0000:00/0000:00:14.0");

        // Act
        var controllers = new SysfsScanner(tree.Host).Scan().UsbControllers;

        // Assert
        Assert.Empty(controllers);
    }

    [Fact]
    public void I_can_scan_USB_without_the_scanner_reading_any_serial_number()
    {
        // Arrange
        using var tree = DesktopTree();
        var log = new HostAccessLog();

        // Act
        new SysfsScanner(new HostRoot(tree.Root, log)).Scan();

        // Assert
        Assert.Contains(log.Entries, e => e.Key.EndsWith("/1-4/idVendor", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Entries, e => e.Key.EndsWith("/serial", StringComparison.Ordinal) && e.Value.Kind == HostAccessKind.File);
    }

    [Fact]
    public void I_can_read_a_device_with_malformed_attributes_and_get_unknowns_instead_of_an_error()
    {
        // Arrange
        using var tree = DesktopTree()
            .File($"{Xhci}/usb1/1-7/idVendor", "zzzz\n")
            .File($"{Xhci}/usb1/1-7/idProduct", "123456\n")
            .File($"{Xhci}/usb1/1-7/busnum", "one\n")
            .File($"{Xhci}/usb1/1-7/product", "\n")
            .File($"{Xhci}/usb1/1-7/1-7:1.0/bInterfaceClass", "03\n");

        // Act
        var device = new SysfsScanner(tree.Host).Scan().UsbControllers[0].Buses[0].Devices.Single(d => d.PortPath == "1-7");

        // Assert
        Assert.Null(device.VendorId);
        Assert.Null(device.ProductId);
        Assert.Null(device.Bus);
        Assert.Null(device.Product);
        Assert.Null(device.VendorName);
        Assert.False(device.IsKeyboard);
        Assert.Equal("[????:????]", device.DisplayName);
    }

    // An Intel xHCI with two root hubs; on bus 1 a Logitech receiver (boot keyboard + boot mouse interfaces) and
    // a hub with a keyboard that only reports through its input device.
    [Fact]
    public void A_root_hub_below_a_function_of_another_class_is_found_through_the_usb_bus_list()
    {
        // Arrange: a host controller that reports a vendor-specific class (0xff0000), whose root hub usb3 the bus lists,
        // and a network card that lists no hub.
        const string odd = "/sys/devices/pci0000:00/0000:00:1c.0/0000:03:00.0";
        using var tree = DesktopTree()
            .File($"{odd}/class", "0xff0000\n")
            .Link("/sys/bus/pci/devices/0000:03:00.0", $"../../..{odd[4..]}")
            .File($"{odd}/usb3/busnum", "3\n")
            .Link("/sys/bus/usb/devices/usb3", $"../../..{odd[4..]}/usb3")
            .File("/sys/devices/pci0000:00/0000:00:1f.6/class", "0x020000\n")
            .Link("/sys/bus/pci/devices/0000:00:1f.6", "../../../devices/pci0000:00/0000:00:1f.6");

        // Act
        var controllers = new SysfsScanner(tree.Host).Scan().UsbControllers;

        // Assert
        Assert.Equal([PciAddress.Parse("0000:00:14.0"), PciAddress.Parse("0000:03:00.0")], controllers.Select(c => c.Address).Order());
        Assert.Equal([3], controllers.Single(c => c.Address == PciAddress.Parse("0000:03:00.0")).Buses.Select(b => b.Number));
    }

    private static HostTreeBuilder DesktopTree()
    {
        var tree = new HostTreeBuilder()
            .File("/usr/share/hwdata/usb.ids", "046d  Logitech, Inc.\n\tc52b  Unifying Receiver\n")
            .File($"{Xhci}/vendor", "0x8086\n")
            .File($"{Xhci}/class", "0x0c0330\n")
            .Link($"{Xhci}/driver", "../../../bus/pci/drivers/xhci_hcd")
            .Link("/sys/bus/pci/devices/0000:00:14.0", "../../../devices/pci0000:00/0000:00:14.0")
            .File("/sys/devices/pci0000:00/0000:00:02.0/class", "0x030000\n")
            .Link("/sys/bus/pci/devices/0000:00:02.0", "../../../devices/pci0000:00/0000:00:02.0")
            .Link("/sys/bus/usb/devices/usb1", $"../../..{Xhci[4..]}/usb1")
            .Link("/sys/bus/usb/devices/usb2", $"../../..{Xhci[4..]}/usb2");
        Usb(tree, "usb1", ("busnum", "1"), ("devnum", "1"), ("speed", "480"), ("idVendor", "1d6b"), ("idProduct", "0002"), ("bDeviceClass", "09"));
        Usb(tree, "usb1/1-0:1.0", ("bInterfaceClass", "09"), ("bInterfaceSubClass", "00"), ("bInterfaceProtocol", "00"));
        Usb(tree, "usb1/1-4", ("busnum", "1"), ("devnum", "3"), ("speed", "12"), ("idVendor", "046d"), ("idProduct", "c52b"),
            ("manufacturer", "Logitech"), ("product", "USB Receiver"), ("bDeviceClass", "00"), ("serial", "DO-NOT-READ"));
        Usb(tree, "usb1/1-4/1-4:1.0", ("bInterfaceClass", "03"), ("bInterfaceSubClass", "01"), ("bInterfaceProtocol", "01"));
        Usb(tree, "usb1/1-4/1-4:1.1", ("bInterfaceClass", "03"), ("bInterfaceSubClass", "01"), ("bInterfaceProtocol", "02"));
        Usb(tree, "usb1/1-4/1-4:1.2", ("bInterfaceClass", "03"), ("bInterfaceSubClass", "00"), ("bInterfaceProtocol", "00"));
        Usb(tree, "usb1/1-2", ("busnum", "1"), ("devnum", "2"), ("speed", "480"), ("idVendor", "05e3"), ("idProduct", "0610"), ("bDeviceClass", "09"));
        Usb(tree, "usb1/1-2/1-2:1.0", ("bInterfaceClass", "09"), ("bInterfaceSubClass", "00"), ("bInterfaceProtocol", "01"));
        Usb(tree, "usb1/1-2/1-2.3", ("busnum", "1"), ("devnum", "4"), ("speed", "12"), ("idVendor", "1532"), ("idProduct", "0084"), ("bDeviceClass", "00"));
        Usb(tree, "usb1/1-2/1-2.3/1-2.3:1.0", ("bInterfaceClass", "03"), ("bInterfaceSubClass", "00"), ("bInterfaceProtocol", "00"));
        Usb(tree, "usb2", ("busnum", "2"), ("devnum", "1"), ("speed", "10000"), ("idVendor", "1d6b"), ("idProduct", "0003"), ("bDeviceClass", "09"));
        return tree;
    }

    private static void Usb(HostTreeBuilder tree, string relative, params (string Name, string Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
        {
            tree.File($"{Xhci}/{relative}/{name}", value + "\n");
        }
    }
}
