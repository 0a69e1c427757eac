using Lodge.App.Guests;

namespace Lodge.Cli.Tests.Guests;

/// <summary>How <c>lodge usb attach|detach</c> reads its DEVICE argument.</summary>
public sealed class UsbDeviceSpecs
{
    [Fact]
    public void I_can_name_a_usb_device_by_vendor_and_product()
    {
        // Act
        var usb = UsbDeviceSpec.Parse("win", "046d:c52b", allowEmulated: false);

        // Assert
        Assert.Equal("usb-host", usb.Driver);
        Assert.Equal("usb-046d-c52b", usb.Id);
        Assert.Equal("xhci.0", (string?)usb.Properties["bus"]);
        Assert.Equal(0x046d, (int?)usb.Properties["vendorid"]);
        Assert.Equal(0xc52b, (int?)usb.Properties["productid"]);
    }

    [Fact]
    public void I_can_name_a_usb_device_by_its_host_port()
    {
        // Act
        var usb = UsbDeviceSpec.Parse("win", "port:1-4.2", allowEmulated: false);

        // Assert
        Assert.Equal(1, (int?)usb.Properties["hostbus"]);
        Assert.Equal("4.2", (string?)usb.Properties["hostport"]);
    }

    [Fact]
    public void I_can_try_an_unknown_device_syntax_or_an_emulated_device_without_the_test_hook_and_get_a_usage_error()
    {
        // Act
        var bad = Assert.Throws<UsbDeviceSyntaxException>(() => UsbDeviceSpec.Parse("win", "logitech", allowEmulated: false));
        var emulated = Assert.Throws<UsbDeviceSyntaxException>(() => UsbDeviceSpec.Parse("win", "emulated:usb-kbd", allowEmulated: false));

        // Assert
        Assert.Equal("Cannot attach 'logitech' to 'win': a USB device is 'VVVV:PPPP' (vendor:product in hex) or 'port:BUS-PORT' such as 'port:1-4.2'.", bad.Message);
        Assert.Equal(ExitCodes.Usage, emulated.ExitCode);
    }
}
