using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Setup;

namespace Lodge.Core.Tests.Setup;

public sealed class SystemdBootSpecs
{
    private static readonly HostSnapshot Host = new()
    {
        Cpu = new CpuInfo { VendorId = "AuthenticAMD", HasSvm = true },
        IommuEnabled = true,
        PciDevices = [new PciDevice { Address = PciAddress.Parse("0000:03:00.0"), Class = new PciClass(0x030000), IommuGroup = 5, VendorId = 0x1002, DeviceId = 0x73bf }],
        IommuGroups = [new IommuGroup(5, [PciAddress.Parse("0000:03:00.0")], "DMA-FQ")],
        Boot = new BootInfo { Bootloader = Bootloader.SystemdBoot, CommandLineFile = "/etc/kernel/cmdline", OsId = "fedora" },
    };

    private static readonly MachineConfig[] Machines = [new("lin", "lin.toml") { Gpu = new GpuConfig("1002:73bf") }];

    private static Dictionary<string, string?> Files() => new()
    {
        ["/etc/kernel/cmdline"] = "root=UUID=1 rw quiet\n",
        ["/boot/efi/loader/entries/abc-6.8.0.conf"] = "title Linux 6.8\nversion 6.8.0\nlinux /abc/6.8.0/linux\noptions root=UUID=1 rw quiet\n",
        ["/boot/efi/loader/loader.conf"] = "default abc-6.8.0.conf\ntimeout 3\n",
    };

    private static Dictionary<string, string?> After(IReadOnlyDictionary<string, string?> files, SetupPlan plan)
    {
        var result = new Dictionary<string, string?>(files);
        foreach (var change in plan.Changes)
        {
            result[change.Path] = change.After;
        }

        return result;
    }

    [Fact]
    public void The_trial_is_an_entry_beside_the_default_that_boots_once_and_has_the_lowest_version()
    {
        // Act
        var plan = SetupPlanner.Plan(Host, Machines, Files());

        // Assert
        var trial = plan.Changes.Single(c => c.Path == "/boot/efi/loader/entries/lodge-trial.conf").After!;
        Assert.Contains("options root=UUID=1 rw quiet iommu=pt vfio-pci.ids=1002:73bf\n", trial, StringComparison.Ordinal);
        Assert.Contains("version 0-lodge-trial\n", trial, StringComparison.Ordinal);
        Assert.Contains("title Linux 6.8 (lodge trial)\n", trial, StringComparison.Ordinal);
        Assert.Contains(["bootctl", "set-oneshot", "lodge-trial.conf"], plan.BootCommands);
        Assert.DoesNotContain(plan.Changes, c => c.Path == "/etc/kernel/cmdline");
    }

    [Fact]
    public void Confirm_edits_etc_kernel_cmdline_runs_kernel_install_and_removes_the_trial()
    {
        // Arrange
        var applied = After(Files(), SetupPlanner.Plan(Host, Machines, Files()));

        // Act
        var plan = SetupPlanner.Plan(Host, Machines, applied, SetupPhase.Confirm);

        // Assert
        Assert.Null(plan.Error);
        Assert.Equal("root=UUID=1 rw quiet iommu=pt\n", plan.Changes.Single(c => c.Path == "/etc/kernel/cmdline").After);
        Assert.Null(plan.Changes.Single(c => c.Path == "/boot/efi/loader/entries/lodge-trial.conf").After);
        Assert.Contains(["kernel-install", "add-all"], plan.Regenerate);
        Assert.True(SetupPlanner.Plan(Host, Machines, After(applied, plan)).IsEmpty);
    }
}
