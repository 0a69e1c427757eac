using Lodge.Core.Hardware;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

public class BootSpecs
{
    [Fact]
    public void I_can_read_the_distribution_from_os_release()
    {
        // Arrange
        using var tree = new HostTreeBuilder().File("/etc/os-release", """
            NAME="Pop!_OS"
            VERSION="22.04 LTS"
            ID=pop
            ID_LIKE="ubuntu debian"
            PRETTY_NAME='Pop!_OS 22.04 LTS'
            # a comment
            VERSION_CODENAME=jammy
            """);

        // Act
        var boot = new SysfsScanner(tree.Host).Scan().Boot;

        // Assert
        Assert.Equal("pop", boot.OsId);
        Assert.Equal(["ubuntu", "debian"], boot.OsIdLike);
        Assert.Equal("Pop!_OS 22.04 LTS", boot.OsPrettyName);
        Assert.True(boot.IsDebianLike);
    }

    [Fact]
    public void I_can_read_os_release_from_usr_lib_when_etc_has_none()
    {
        // Arrange
        using var tree = new HostTreeBuilder().File("/usr/lib/os-release", "ID=arch\nPRETTY_NAME=\"Arch Linux\"\n");

        // Act
        var boot = new SysfsScanner(tree.Host).Scan().Boot;

        // Assert
        Assert.Equal("arch", boot.OsId);
        Assert.Empty(boot.OsIdLike);
        Assert.Equal("Arch Linux", boot.OsPrettyName);
    }

    [Theory]
    [InlineData("PRETTY_NAME=\"Say \\\"hi\\\" for \\$5\"", "Say \"hi\" for $5")]
    [InlineData("PRETTY_NAME=\"unterminated", null)]
    [InlineData("PRETTY_NAME=", null)]
    [InlineData("=no key", null)]
    public void I_can_read_quoted_escaped_and_malformed_os_release_values(string line, string? expected)
    {
        // Arrange
        using var tree = new HostTreeBuilder().File("/etc/os-release", line + "\n");

        // Act
        var boot = new SysfsScanner(tree.Host).Scan().Boot;

        // Assert
        Assert.Equal(expected, boot.OsPrettyName);
    }

    [Fact]
    public void I_can_detect_GRUB_on_Debian()
    {
        // Arrange
        using var tree = new HostTreeBuilder().File("/etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n").Dir("/boot/grub");

        // Act
        var boot = new SysfsScanner(tree.Host).Scan().Boot;

        // Assert
        Assert.Equal(Bootloader.Grub, boot.Bootloader);
        Assert.Equal("/etc/default/grub", boot.CommandLineFile);
    }

    [Fact]
    public void I_can_detect_GRUB_on_Fedora_even_though_it_keeps_BLS_entries()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"rhgb quiet\"\n")
            .File("/boot/loader/entries/0123-6.5.6-300.fc39.x86_64.conf", "title Fedora\n");

        // Act
        var boot = new SysfsScanner(tree.Host).Scan().Boot;

        // Assert
        Assert.Equal(Bootloader.Grub, boot.Bootloader);
    }

    [Fact]
    public void I_can_detect_systemd_boot_from_etc_kernel_cmdline()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/etc/kernel/cmdline", "root=UUID=... rw quiet\n")
            .File("/efi/loader/entries/arch.conf", "title Arch\n");

        // Act
        var boot = new SysfsScanner(tree.Host).Scan().Boot;

        // Assert
        Assert.Equal(Bootloader.SystemdBoot, boot.Bootloader);
        Assert.Equal("/etc/kernel/cmdline", boot.CommandLineFile);
    }

    [Fact]
    public void I_can_detect_systemd_boot_from_its_loader_entries()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .Dir("/boot/loader/entries")
            .File("/boot/efi/loader/entries/arch.conf", "title Arch\noptions root=/dev/sda2 rw\n");

        // Act
        var boot = new SysfsScanner(tree.Host).Scan().Boot;

        // Assert
        Assert.Equal(Bootloader.SystemdBoot, boot.Bootloader);
        Assert.Equal("/boot/efi/loader/entries", boot.CommandLineFile);
    }

    [Fact]
    public void I_can_detect_kernelstub_on_Pop_OS_before_its_systemd_boot()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/etc/kernelstub/configuration", "{ \"user\": { \"kernel_options\": [ \"quiet\" ] } }\n")
            .File("/boot/efi/loader/entries/Pop_OS-current.conf", "title Pop!_OS\n");

        // Act
        var boot = new SysfsScanner(tree.Host).Scan().Boot;

        // Assert
        Assert.Equal(Bootloader.Kernelstub, boot.Bootloader);
        Assert.Equal("/etc/kernelstub/configuration", boot.CommandLineFile);
    }

    [Fact]
    public void I_get_an_unknown_boot_loader_and_distribution_from_a_tree_without_etc_or_boot()
    {
        // Arrange
        using var tree = new HostTreeBuilder().Dir("/sys");

        // Act
        var boot = new SysfsScanner(tree.Host).Scan().Boot;

        // Assert
        Assert.Equal(Bootloader.Unknown, boot.Bootloader);
        Assert.Null(boot.CommandLineFile);
        Assert.Null(boot.OsId);
        Assert.Null(boot.OsPrettyName);
        Assert.False(boot.IsDebianLike);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    [InlineData(false, false, null)]
    public void I_can_tell_whether_the_host_booted_through_UEFI(bool hasFirmwareDir, bool hasEfi, bool? expected)
    {
        // Arrange
        using var tree = new HostTreeBuilder().Dir("/sys/devices");
        if (hasFirmwareDir)
        {
            tree.Dir("/sys/firmware/acpi");
        }

        if (hasEfi)
        {
            tree.Dir("/sys/firmware/efi/efivars");
        }

        // Act
        var efi = new SysfsScanner(tree.Host).Scan().Boot.Efi;

        // Assert
        Assert.Equal(expected, efi);
    }
}
