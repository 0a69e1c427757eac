using Lodge.Core.Hardware;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

public class DisplaySpecs
{
    private const string Drivers = "/sys/bus/platform/drivers";

    [Fact]
    public void I_can_read_the_vtconsoles_the_framebuffers_and_the_display_manager()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/sys/devices/virtual/vtconsole/vtcon0/name", "(S) dummy device\n")
            .File("/sys/devices/virtual/vtconsole/vtcon0/bind", "0\n")
            .File("/sys/devices/virtual/vtconsole/vtcon1/name", "(M) frame buffer device\n")
            .File("/sys/devices/virtual/vtconsole/vtcon1/bind", "1\n")
            .Link("/sys/class/vtconsole/vtcon0", "../../devices/virtual/vtconsole/vtcon0")
            .Link("/sys/class/vtconsole/vtcon1", "../../devices/virtual/vtconsole/vtcon1")
            .Dir("/sys/devices/platform/simple-framebuffer.0")
            .Link($"{Drivers}/simple-framebuffer/simple-framebuffer.0", "../../../../devices/platform/simple-framebuffer.0")
            .Link($"{Drivers}/simple-framebuffer/module", "../../../../module/simpledrm")
            .File($"{Drivers}/simple-framebuffer/bind", string.Empty)
            .File($"{Drivers}/simple-framebuffer/unbind", string.Empty)
            .File($"{Drivers}/simple-framebuffer/uevent", string.Empty)
            .File("/lib/systemd/system/gdm3.service", "[Unit]\n")
            .Link("/etc/systemd/system/display-manager.service", "/lib/systemd/system/gdm3.service");

        // Act
        var display = new SysfsScanner(tree.Host).Scan().Display;

        // Assert
        Assert.Equal(
            [new VtConsole("vtcon0", "(S) dummy device", false), new VtConsole("vtcon1", "(M) frame buffer device", true)],
            display.VtConsoles);
        Assert.True(display.VtConsoles[1].IsFramebuffer);
        Assert.Equal([new Framebuffer("simple-framebuffer.0", "simple-framebuffer")], display.Framebuffers);
        Assert.Equal("gdm3.service", display.DisplayManager);
    }

    [Fact]
    public void I_can_find_the_EFI_and_VESA_framebuffers_of_older_kernels()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .Link($"{Drivers}/efi-framebuffer/efi-framebuffer.0", "../../../../devices/platform/efi-framebuffer.0")
            .Link($"{Drivers}/vesa-framebuffer/vesa-framebuffer.0", "../../../../devices/platform/vesa-framebuffer.0")
            .Link($"{Drivers}/vesa-framebuffer/module", "../../../../module/vesafb")
            .Link($"{Drivers}/serial8250/serial8250", "../../../../devices/platform/serial8250");

        // Act
        var framebuffers = new SysfsScanner(tree.Host).Scan().Display.Framebuffers;

        // Assert
        Assert.Equal(
            [new Framebuffer("efi-framebuffer.0", "efi-framebuffer"), new Framebuffer("vesa-framebuffer.0", "vesa-framebuffer")],
            framebuffers);
    }

    [Theory]
    [InlineData("/usr/lib/systemd/system/sddm.service", "sddm.service")]
    [InlineData("../../../lib/systemd/system/lightdm.service", "lightdm.service")]
    [InlineData("/dev/null", null)]
    public void I_can_read_which_unit_display_manager_service_points_at(string target, string? expected)
    {
        // Arrange
        using var tree = new HostTreeBuilder().Link("/etc/systemd/system/display-manager.service", target);

        // Act
        var manager = new SysfsScanner(tree.Host).Scan().Display.DisplayManager;

        // Assert
        Assert.Equal(expected, manager);
    }

    [Fact]
    public void I_get_no_display_manager_and_no_consoles_from_a_headless_tree()
    {
        // Arrange
        using var tree = new HostTreeBuilder().Dir("/etc/systemd/system").Dir("/sys/class");

        // Act
        var display = new SysfsScanner(tree.Host).Scan().Display;

        // Assert
        Assert.Null(display.DisplayManager);
        Assert.Empty(display.VtConsoles);
        Assert.Empty(display.Framebuffers);
    }

    [Fact]
    public void I_can_read_a_vtconsole_whose_files_are_missing_or_malformed_and_get_unknowns()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .Link("/sys/class/vtconsole/vtcon0", "../../devices/virtual/vtconsole/vtcon0")
            .File("/sys/class/vtconsole/vtcon1/bind", "maybe\n")
            .File("/sys/class/vtconsole/vtcon1/name", "\n")
            .Dir("/sys/class/vtconsole/not-a-console");

        // Act
        var consoles = new SysfsScanner(tree.Host).Scan().Display.VtConsoles;

        // Assert
        Assert.Equal([new VtConsole("vtcon0", null, null), new VtConsole("vtcon1", null, null)], consoles);
    }
}
