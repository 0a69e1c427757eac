using Lodge.Core.Hardware;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

/// <summary>ACPI table names, chassis, battery, GPU MUX, Proxmox's boot tool and /dev/vhost-net, as the scanner reads them.</summary>
public sealed class PlatformSpecs
{
    [Fact]
    public void I_can_read_the_acpi_table_names_the_chassis_the_battery_and_the_mux()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/sys/firmware/acpi/tables/DMAR", "binary")
            .File("/sys/firmware/acpi/tables/FACP", "binary")
            .File("/sys/class/dmi/id/chassis_type", "10\n")
            .Dir("/sys/class/power_supply/BAT0")
            .Dir("/sys/class/power_supply/AC")
            .File("/sys/devices/platform/asus-nb-wmi/gpu_mux_mode", "1\n");

        // Act
        var platform = new SysfsScanner(tree.Host).Scan().Platform;

        // Assert
        Assert.Equal(["DMAR", "FACP"], platform.AcpiTables);
        Assert.Equal(10, platform.ChassisType);
        Assert.True(platform.HasBattery);
        Assert.True(platform.IsLaptop);
        Assert.Equal(1, platform.GpuMuxMode);
    }

    [Fact]
    public void A_tree_without_those_files_leaves_them_unknown()
    {
        using var tree = new HostTreeBuilder().File("/proc/cmdline", "quiet\n");
        var platform = new SysfsScanner(tree.Host).Scan().Platform;
        Assert.Null(platform.AcpiTables);
        Assert.Null(platform.IsLaptop);
        Assert.Null(platform.GpuMuxMode);
    }

    [Theory]
    [InlineData("initrd=\\EFI\\proxmox\\6.8.12-4-pve\\initrd.img-6.8.12-4-pve root=ZFS=rpool/ROOT/pve-1 boot=zfs", false)]
    [InlineData("BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet", true)]
    public void A_proxmox_boot_tool_host_is_systemd_boot_over_etc_kernel_cmdline(string cmdline, bool uuidsFile)
    {
        // Arrange: Proxmox keeps /etc/default/grub even where systemd-boot boots it
        using var tree = new HostTreeBuilder()
            .File("/proc/cmdline", cmdline + "\n")
            .File("/etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n")
            .File("/etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n");
        if (uuidsFile)
        {
            tree.File("/etc/kernel/proxmox-boot-uuids", "1234-ABCD\n");
        }

        // Act
        var boot = new SysfsScanner(tree.Host).Scan().Boot;

        // Assert
        Assert.True(boot.ProxmoxBootTool);
        Assert.Equal(Bootloader.SystemdBoot, boot.Bootloader);
        Assert.Equal("/etc/kernel/cmdline", boot.CommandLineFile);
    }

    [Fact]
    public void A_plain_grub_host_is_not_proxmox()
    {
        using var tree = new HostTreeBuilder().File("/proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1\n").File("/etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        var boot = new SysfsScanner(tree.Host).Scan().Boot;
        Assert.False(boot.ProxmoxBootTool);
        Assert.Equal(Bootloader.Grub, boot.Bootloader);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void I_can_tell_whether_dev_vhost_net_exists(bool present)
    {
        using var tree = new HostTreeBuilder().File("/dev/kvm", "");
        if (present)
        {
            tree.File("/dev/vhost-net", "");
        }

        Assert.Equal(present, new SysfsScanner(tree.Host).Scan().Kernel.VhostNetDevice);
    }
}
