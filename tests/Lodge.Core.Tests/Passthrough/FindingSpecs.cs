using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Tests.Passthrough;

public sealed class FindingSpecs
{
    private static HostSnapshot Host(PciDevice device, params LoadedModule[] modules) => new()
    {
        PciDevices = [device],
        IommuGroups = [new IommuGroup(1, [device.Address], null)],
        IommuEnabled = true,
        Kernel = new KernelInfo { Modules = modules },
    };

    [Fact]
    public void A_polaris_gpu_without_vendor_reset_gets_a_warning_and_with_it_an_info()
    {
        // Arrange
        var rx580 = new PciDevice { Address = PciAddress.Parse("0000:0b:00.0"), Class = new PciClass(0x030000), VendorId = 0x1002, DeviceId = 0x67df, IommuGroup = 1 };

        // Act
        var without = PassthroughAdvisor.Assess(Host(rx580), rx580).Findings.Single(f => f.Code == "amd-reset-bug");
        var with = PassthroughAdvisor.Assess(Host(rx580, new LoadedModule("vendor_reset", 0, [])), rx580).Findings.Single(f => f.Code == "amd-reset-bug");

        // Assert
        Assert.Equal(Severity.Warning, without.Severity);
        Assert.Contains("Polaris 10", without.Message);
        Assert.Contains("not loaded", without.Message);
        Assert.Equal(Severity.Info, with.Severity);
        Assert.Contains("device_specific", with.Message);
    }

    [Fact]
    public void A_navi_21_gpu_is_not_in_the_reset_bug_table()
    {
        Assert.Null(AmdResetBug.Family(0x1002, 0x73bf));
        Assert.Equal("Navi 10", AmdResetBug.Family(0x1002, 0x731f));
        Assert.Null(AmdResetBug.Family(0x10de, 0x731f));
    }

    [Fact]
    public void A_boot_vga_a_3d_controller_and_a_missing_reset_are_each_reported()
    {
        // Arrange
        var boot = new PciDevice { Address = PciAddress.Parse("0000:01:00.0"), Class = new PciClass(0x030000), BootVga = true, IommuGroup = 1, ResetMethods = [] };
        var laptop = new PciDevice { Address = PciAddress.Parse("0000:01:00.0"), Class = new PciClass(0x030200), IommuGroup = 1, ResetMethods = ["flr"] };

        // Act
        var bootCodes = PassthroughAdvisor.Assess(Host(boot), boot).Findings.Select(f => f.Code).ToList();
        var laptopCodes = PassthroughAdvisor.Assess(Host(laptop), laptop).Findings.Select(f => f.Code).ToList();

        // Assert
        Assert.Contains("boot-vga", bootCodes);
        Assert.Contains("no-reset", bootCodes);
        Assert.Contains("3d-controller", laptopCodes);
        Assert.DoesNotContain("no-reset", laptopCodes);
    }

    [Fact]
    public void A_usb_controller_carrying_the_keyboard_names_it()
    {
        // Arrange
        var xhci = new PciDevice { Address = PciAddress.Parse("0000:00:14.0"), Class = new PciClass(0x0c0330), IommuGroup = 1 };
        var kbd = new UsbDevice { PortPath = "1-4", Product = "USB Keyboard", IsKeyboard = true };
        var host = Host(xhci) with { UsbControllers = [new UsbController(xhci.Address, [new UsbBus(1, "480", [kbd])])] };

        // Act
        var finding = PassthroughAdvisor.Assess(host, xhci).Findings.Single(f => f.Code == "usb-input");

        // Assert
        Assert.Contains("the keyboard 'USB Keyboard'", finding.Message);
        Assert.Equal(Severity.Warning, finding.Severity);
    }

    [Fact]
    public void A_port_above_the_device_without_acs_is_reported_when_the_config_space_shows_it()
    {
        // Arrange
        var port = new PciDevice { Address = PciAddress.Parse("0000:00:01.1"), Class = new PciClass(0x060400), Config = new PciConfigInfo(4096, PciePortType.RootPort, null, true) };
        var gpu = new PciDevice { Address = PciAddress.Parse("0000:01:00.0"), Class = new PciClass(0x030000), IommuGroup = 1, ParentBridges = [port.Address] };
        var host = Host(gpu) with { PciDevices = [port, gpu] };

        // Act
        var finding = PassthroughAdvisor.Assess(host, gpu).Findings.Single(f => f.Code == "acs-missing");

        // Assert
        Assert.Contains("'0000:00:01.1'", finding.Message);
    }
}
