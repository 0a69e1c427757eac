using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Setup;

namespace Lodge.Core.Tests.Setup;

/// <summary>Setup knows what creates GVT-g types (i915.enable_gvt=1, kvmgt) and how Proxmox's boot tool takes parameters.</summary>
public sealed class GvtGSetupSpecs
{
    private static readonly PciDevice CoffeeLake = new() { Address = PciAddress.Parse("0000:00:02.0"), Class = new PciClass(0x030000), VendorId = 0x8086, DeviceId = 0x3e92, IommuGroup = 0, Driver = "i915", BootVga = true };

    private static HostSnapshot Host(PciDevice igpu, BootInfo boot) => new()
    {
        Cpu = new CpuInfo { VendorId = "GenuineIntel", HasVmx = true },
        IommuEnabled = true,
        PciDevices = [igpu],
        IommuGroups = [new IommuGroup(0, [igpu.Address], "DMA-FQ")],
        Boot = boot,
    };

    private static MachineConfig Office => new("office", "office.toml") { Os = GuestOs.Windows10, Gpu = new GpuConfig("auto", GpuMode.GvtG) };

    [Fact]
    public void A_gvt_g_machine_on_a_coffee_lake_host_gets_enable_gvt_and_kvmgt()
    {
        // Arrange
        var host = Host(CoffeeLake, new BootInfo { Bootloader = Bootloader.Grub, CommandLineFile = "/etc/default/grub", OsId = "debian" });
        var files = new Dictionary<string, string?> { ["/etc/default/grub"] = "GRUB_DEFAULT=saved\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n" };

        // Act
        var plan = SetupPlanner.Plan(host, [Office], files);

        // Assert
        Assert.Contains("i915.enable_gvt=1", plan.KernelParameters);
        Assert.Contains("intel_iommu=on", plan.KernelParameters);
        var modules = plan.Changes.Single(c => c.Path == "/etc/modules-load.d/lodge-gvt.conf").After!;
        Assert.Contains("kvmgt", modules, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gen12_igpu_gets_no_gvt_g_parameters()
    {
        var host = Host(CoffeeLake with { DeviceId = 0x9a49 }, new BootInfo { Bootloader = Bootloader.Grub, CommandLineFile = "/etc/default/grub", OsId = "debian" });
        var plan = SetupPlanner.Plan(host, [Office], new Dictionary<string, string?> { ["/etc/default/grub"] = "GRUB_DEFAULT=saved\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n" });
        Assert.DoesNotContain("i915.enable_gvt=1", plan.KernelParameters);
        Assert.DoesNotContain(plan.Changes, c => c.Path == "/etc/modules-load.d/lodge-gvt.conf");
    }

    [Fact]
    public void On_proxmox_the_confirmed_command_line_goes_to_etc_kernel_cmdline_with_proxmox_boot_tool_refresh()
    {
        // Arrange: a trial entry is waiting, so --confirm makes the parameters permanent
        var boot = new BootInfo { Bootloader = Bootloader.SystemdBoot, CommandLineFile = "/etc/kernel/cmdline", OsId = "debian", ProxmoxBootTool = true, SetupTrialPending = true };
        var host = Host(CoffeeLake, boot);
        var files = new Dictionary<string, string?>
        {
            ["/etc/kernel/cmdline"] = "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n",
            ["/boot/efi/loader/entries/lodge-trial.conf"] = "title Lodge trial\n",
            ["/boot/efi/loader/entries/proxmox-6.8.12-4-pve.conf"] = "title Proxmox\noptions root=ZFS=rpool/ROOT/pve-1 boot=zfs\n",
        };

        // Act
        var plan = SetupPlanner.Plan(host, [Office], files, SetupPhase.Confirm);

        // Assert
        Assert.Null(plan.Error);
        Assert.Contains("i915.enable_gvt=1", plan.Changes.Single(c => c.Path == "/etc/kernel/cmdline").After!, StringComparison.Ordinal);
        Assert.Contains(["proxmox-boot-tool", "refresh"], plan.Regenerate);
        Assert.DoesNotContain(plan.Regenerate, c => c[0] == "kernel-install");
    }
}
