using Lodge.Core.Hardware;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

public class InputDeviceSpecs
{
    // A desktop's /proc/bus/input/devices, shortened: a power button (kbd handler, no EV_REP), a PS/2 keyboard,
    // a Logitech receiver (keyboard, mouse, consumer control) and a keyboard behind a hub on another controller.
    private const string ProcInputDevices = """
        I: Bus=0019 Vendor=0000 Product=0001 Version=0000
        N: Name="Power Button"
        P: Phys=PNP0C0C/button/input0
        S: Sysfs=/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0C0C:00/input/input0
        U: Uniq=
        H: Handlers=kbd event0 
        B: PROP=0
        B: EV=3
        B: KEY=10000000000000 0

        I: Bus=0011 Vendor=0001 Product=0001 Version=ab41
        N: Name="AT Translated Set 2 keyboard"
        P: Phys=isa0060/serio0/input0
        S: Sysfs=/devices/platform/i8042/serio0/input/input1
        U: Uniq=
        H: Handlers=sysrq kbd leds event1 
        B: PROP=0
        B: EV=120013

        I: Bus=0003 Vendor=046d Product=c52b Version=0111
        N: Name="Logitech USB Receiver"
        P: Phys=usb-0000:00:14.0-4/input0
        S: Sysfs=/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0/0003:046D:C52B.0001/input/input3
        U: Uniq=
        H: Handlers=sysrq kbd leds event3 
        B: PROP=0
        B: EV=120013

        I: Bus=0003 Vendor=046d Product=c52b Version=0111
        N: Name="Logitech USB Receiver Mouse"
        P: Phys=usb-0000:00:14.0-4/input1
        S: Sysfs=/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.1/0003:046D:C52B.0002/input/input4
        U: Uniq=
        H: Handlers=mouse0 event4 
        B: PROP=0
        B: EV=17

        I: Bus=0003 Vendor=046d Product=c52b Version=0111
        N: Name="Logitech USB Receiver Consumer Control"
        P: Phys=usb-0000:00:14.0-4/input1
        S: Sysfs=/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.1/0003:046D:C52B.0002/input/input5
        U: Uniq=
        H: Handlers=kbd event5 
        B: PROP=0
        B: EV=1f

        I: Bus=0003 Vendor=1532 Product=0084 Version=0111
        N: Name="Razer BlackWidow"
        P: Phys=usb-0000:0c:00.3-1.2/input0
        S: Sysfs=/devices/pci0000:00/0000:00:08.1/0000:0c:00.3/usb3/3-1/3-1.2/3-1.2:1.0/0003:1532:0084.0003/input/input7
        U: Uniq=
        H: Handlers=sysrq kbd leds event7 
        B: PROP=0
        B: EV=120013

        """;

    [Fact]
    public void I_can_read_the_keyboards_and_mice_from_proc_bus_input_devices()
    {
        // Arrange
        using var tree = new HostTreeBuilder().File("/proc/bus/input/devices", ProcInputDevices);

        // Act
        var inputs = new SysfsScanner(tree.Host).Scan().InputDevices;

        // Assert
        Assert.Equal(["event0", "event1", "event3", "event4", "event5", "event7"], inputs.Select(i => i.EventNode));
        Assert.Equal(["event1", "event3", "event7"], inputs.Where(i => i.IsKeyboard).Select(i => i.EventNode));
        Assert.Equal(["event4"], inputs.Where(i => i.IsMouse).Select(i => i.EventNode));
        Assert.Equal("Logitech USB Receiver", inputs[2].Name);
        Assert.Equal("/devices/platform/i8042/serio0/input/input1", inputs[1].SysfsPath);
        Assert.All(inputs, i => Assert.Empty(i.ById));
    }

    [Fact]
    public void I_can_find_the_USB_port_and_the_PCI_controller_of_an_input_device()
    {
        // Arrange
        using var tree = new HostTreeBuilder().File("/proc/bus/input/devices", ProcInputDevices);

        // Act
        var inputs = new SysfsScanner(tree.Host).Scan().InputDevices;

        // Assert
        var receiver = inputs.Single(i => i.EventNode == "event3");
        Assert.Equal("1-4", receiver.UsbPortPath);
        Assert.Equal(PciAddress.Parse("0000:00:14.0"), receiver.Controller);
        var behindHub = inputs.Single(i => i.EventNode == "event7");
        Assert.Equal("3-1.2", behindHub.UsbPortPath);
        Assert.Equal(PciAddress.Parse("0000:0c:00.3"), behindHub.Controller);
        var ps2 = inputs.Single(i => i.EventNode == "event1");
        Assert.Null(ps2.UsbPortPath);
        Assert.Null(ps2.Controller);
    }

    [Fact]
    public void I_can_let_udev_by_id_links_decide_which_devices_are_keyboards_and_mice()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/proc/bus/input/devices", ProcInputDevices)
            .Link("/dev/input/by-id/usb-Logitech_USB_Receiver-event-kbd", "../event3")
            .Link("/dev/input/by-id/usb-Logitech_USB_Receiver-if01-event-mouse", "../event4")
            .Link("/dev/input/by-id/usb-Logitech_USB_Receiver-if01-mouse", "../mouse0")
            .Link("/dev/input/by-id/usb-Logitech_USB_Receiver-if01-event-kbd", "../event5")
            .Link("/dev/input/by-id/usb-Razer_Razer_BlackWidow-event-if00", "../event7");

        // Act
        var inputs = new SysfsScanner(tree.Host).Scan().InputDevices;

        // Assert
        var consumer = inputs.Single(i => i.EventNode == "event5");
        Assert.True(consumer.IsKeyboard);
        Assert.Equal(["/dev/input/by-id/usb-Logitech_USB_Receiver-if01-event-kbd"], consumer.ById);
        Assert.Equal(["/dev/input/by-id/usb-Logitech_USB_Receiver-if01-event-mouse"], inputs.Single(i => i.EventNode == "event4").ById);
        Assert.False(inputs.Single(i => i.EventNode == "event7").IsKeyboard);
        Assert.True(inputs.Single(i => i.EventNode == "event1").IsKeyboard);
        Assert.False(inputs.Single(i => i.EventNode == "event0").IsKeyboard);
    }

    [Fact]
    public void I_get_no_input_devices_when_proc_bus_input_devices_is_missing_or_empty()
    {
        // Arrange
        using var missing = new HostTreeBuilder().Dir("/proc");
        using var empty = new HostTreeBuilder().File("/proc/bus/input/devices", string.Empty);

        // Act
        var fromMissing = new SysfsScanner(missing.Host).Scan().InputDevices;
        var fromEmpty = new SysfsScanner(empty.Host).Scan().InputDevices;

        // Assert
        Assert.Empty(fromMissing);
        Assert.Empty(fromEmpty);
    }

    [Fact]
    public void I_can_read_a_malformed_input_devices_file_and_get_unknowns_instead_of_an_error()
    {
        // Arrange
        const string garbage = """
            this is not the kernel's format
            N: Name="No quotes closing
            H: Handlers=kbd event9
            B: EV=not-hex

            I: Bus=0003
            S: Sysfs=
            B: EV=
            x
            :
            """;
        using var tree = new HostTreeBuilder().File("/proc/bus/input/devices", garbage);

        // Act
        var inputs = new SysfsScanner(tree.Host).Scan().InputDevices;

        // Assert
        Assert.Equal(2, inputs.Count);
        Assert.Equal("\"No quotes closing", inputs[0].Name);
        Assert.False(inputs[0].IsKeyboard);
        Assert.Equal("event9", inputs[0].EventNode);
        Assert.Equal(string.Empty, inputs[1].Name);
        Assert.Null(inputs[1].EventNode);
        Assert.Null(inputs[1].SysfsPath);
    }
}
