using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Setup;

namespace Lodge.Core.Tests.Setup;

/// <summary>Issue 13, items 10 and 11: the trial boot changes nothing the default entry boots, and each boot loader's rules.</summary>
public sealed class TrialBootSpecs
{
    private static HostSnapshot Host(BootInfo boot) => new()
    {
        Cpu = new CpuInfo { VendorId = "AuthenticAMD", HasSvm = true },
        IommuEnabled = true,
        PciDevices =
        [
            new PciDevice { Address = PciAddress.Parse("0000:03:00.0"), Class = new PciClass(0x030000), IommuGroup = 5, VendorId = 0x1002, DeviceId = 0x73bf },
            new PciDevice { Address = PciAddress.Parse("0000:03:00.1"), Class = new PciClass(0x040300), IommuGroup = 5, VendorId = 0x1002, DeviceId = 0xab28 },
        ],
        IommuGroups = [new IommuGroup(5, [PciAddress.Parse("0000:03:00.0"), PciAddress.Parse("0000:03:00.1")], "DMA-FQ")],
        Boot = boot,
    };

    private static readonly MachineConfig[] Machines = [new("win", "win.toml") { Os = GuestOs.Windows11, Gpu = new GpuConfig("1002:73bf", GpuMode.Dedicated) }];

    private static readonly BootInfo Debian = new() { Bootloader = Bootloader.Grub, CommandLineFile = "/etc/default/grub", OsId = "debian" };

    private static readonly BootInfo FedoraGrub = new() { Bootloader = Bootloader.Grub, CommandLineFile = "/etc/default/grub", OsId = "fedora" };

    private static readonly BootInfo SystemdBoot = new() { Bootloader = Bootloader.SystemdBoot, CommandLineFile = "/boot/loader/entries", OsId = "arch" };

    private static Dictionary<string, string?> After(IReadOnlyDictionary<string, string?> files, SetupPlan plan)
    {
        var result = new Dictionary<string, string?>(files);
        foreach (var change in plan.Changes)
        {
            result[change.Path] = change.After;
        }

        return result;
    }

    private static Dictionary<string, string?> DebianFiles() => new()
    {
        ["/etc/default/grub"] = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n",
        ["/etc/initramfs-tools/modules"] = "# modules\n",
        ["/etc/initramfs-tools/initramfs.conf"] = "MODULES=most\n",
        ["/etc/initramfs-tools/conf.d/resume"] = "RESUME=none\n",
    };

    [Fact]
    public void The_apply_writes_no_shared_file_and_the_trial_carries_binding_module_options_and_its_own_initramfs()
    {
        // Act
        var plan = SetupPlanner.Plan(Host(Debian), Machines, DebianFiles(), SetupPhase.Apply, ["/boot/vmlinuz-6.1.0-9-amd64", "/boot/vmlinuz-6.1.0-18-amd64"]);

        // Assert
        Assert.Null(plan.Error);
        Assert.True(plan.TrialBoot);
        Assert.DoesNotContain(plan.Changes, c => c.Path.StartsWith("/etc/modprobe.d/", StringComparison.Ordinal) || c.Path.StartsWith("/etc/initramfs-tools/", StringComparison.Ordinal) || c.Path.StartsWith("/etc/default/", StringComparison.Ordinal));
        var script = plan.Changes.Single(c => c.Path == "/etc/grub.d/42_lodge_trial").After!;
        Assert.Contains("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt vfio-pci.ids=1002:73bf,1002:ab28 kvm.ignore_msrs=1 kvm.report_ignored_msrs=0\"", script, StringComparison.Ordinal);
        Assert.Contains("awk -v k='/vmlinuz-6.1.0-18-amd64 '", script, StringComparison.Ordinal);
        Assert.Contains("-e 's|/initrd\\.img-6\\.1\\.0-18-amd64$|/lodge-trial-initrd.img-6.1.0-18-amd64|'", script, StringComparison.Ordinal);
        Assert.Equal("# Written by lodge setup; 'lodge setup --revert' removes it.\nRESUME=none\n", plan.Changes.Single(c => c.Path == "/etc/lodge/setup-trial/initramfs-tools/conf.d/resume").After);
        Assert.EndsWith("# modules\nvfio\nvfio_iommu_type1\nvfio_pci\n", plan.Changes.Single(c => c.Path == "/etc/lodge/setup-trial/initramfs-tools/modules").After, StringComparison.Ordinal);
        Assert.True(plan.Changes.Single(c => c.Path == "/etc/lodge/setup-trial/initramfs-tools/hooks/lodge-vfio").Executable);
        Assert.Equal(
            [["update-grub"]],
            plan.Regenerate);
        Assert.Equal(
            [["systemctl", "enable", "lodge-rescue.service"], ["mkinitramfs", "-d", "/etc/lodge/setup-trial/initramfs-tools", "-o", "/boot/lodge-trial-initrd.img-6.1.0-18-amd64", "6.1.0-18-amd64"], ["grub-reboot", "lodge-trial"]],
            plan.BootCommands);
        Assert.Equal(["/boot/lodge-trial-initrd.img-6.1.0-18-amd64"], plan.CommandTouchedPaths);
    }

    [Fact]
    public void Confirm_moves_everything_into_the_shared_files_rebuilds_every_initramfs_and_removes_the_trial_image()
    {
        // Arrange
        var kernels = new[] { "/boot/vmlinuz-6.1.0-18-amd64" };
        var applied = After(DebianFiles(), SetupPlanner.Plan(Host(Debian), Machines, DebianFiles(), SetupPhase.Apply, kernels));

        // Act
        var plan = SetupPlanner.Plan(Host(Debian), Machines, applied, SetupPhase.Confirm, kernels);

        // Assert
        Assert.Null(plan.Error);
        Assert.Contains("options vfio-pci ids=1002:73bf,1002:ab28\n", plan.Changes.Single(c => c.Path == "/etc/modprobe.d/lodge-vfio.conf").After, StringComparison.Ordinal);
        Assert.Contains("options kvm ignore_msrs=1", plan.Changes.Single(c => c.Path == "/etc/modprobe.d/lodge-kvm.conf").After, StringComparison.Ordinal);
        Assert.Contains("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"", plan.Changes.Single(c => c.Path == "/etc/default/grub").After, StringComparison.Ordinal);
        Assert.Contains("GRUB_DEFAULT=0\n", plan.Changes.Single(c => c.Path == "/etc/default/grub").After, StringComparison.Ordinal);
        Assert.All(plan.Changes.Where(c => c.Path.StartsWith("/etc/lodge/setup-trial/", StringComparison.Ordinal) || c.Path == "/etc/grub.d/42_lodge_trial"), c => Assert.Null(c.After));
        Assert.Equal([["update-initramfs", "-u", "-k", "all"], ["update-grub"]], plan.Regenerate);
        Assert.Equal(["/boot/lodge-trial-initrd.img-6.1.0-18-amd64"], plan.DeletePaths);
        Assert.True(SetupPlanner.Plan(Host(Debian), Machines, After(applied, plan), SetupPhase.Apply, kernels).IsEmpty);
    }

    [Fact]
    public void Confirm_backs_up_the_default_initramfs_of_every_kernel_before_it_rebuilds_them()
    {
        // Arrange: a rebuilt initramfs never has the same bytes (the lab, Debian 12), so only a backup makes a revert exact.
        var images = new[] { "/boot/initrd.img-6.1.0-18-amd64", "/boot/initrd.img-6.1.0-9-amd64", "/boot/lodge-trial-initrd.img-6.1.0-18-amd64", "/boot/vmlinuz-6.1.0-18-amd64", "/boot/vmlinuz-6.1.0-9-amd64" };
        var applied = After(DebianFiles(), SetupPlanner.Plan(Host(Debian), Machines, DebianFiles(), SetupPhase.Apply, images));

        // Act
        var plan = SetupPlanner.Plan(Host(Debian), Machines, applied, SetupPhase.Confirm, images);

        // Assert
        Assert.Null(plan.Error);
        Assert.Equal(["update-initramfs", "-u", "-k", "all"], plan.Regenerate[0]);
        Assert.Equal(["/boot/initrd.img-6.1.0-18-amd64", "/boot/initrd.img-6.1.0-9-amd64"], plan.CommandTouchedPaths);
        Assert.Equal(["/boot/lodge-trial-initrd.img-6.1.0-18-amd64"], plan.DeletePaths);
    }

    [Fact]
    public void The_trial_initramfs_has_the_hosts_own_initramfs_tools_hooks_and_scripts()
    {
        // Arrange: mkinitramfs -d reads hooks/ and scripts/ from the trial's folder only.
        var files = DebianFiles();
        files["/etc/initramfs-tools/hooks/unlock"] = "#!/bin/sh\ncopy_exec /usr/bin/unlock\n";
        files["/etc/initramfs-tools/scripts/local-top/unlock"] = "#!/bin/sh\n/usr/bin/unlock\n";

        // Act
        var plan = SetupPlanner.Plan(Host(Debian), Machines, files, SetupPhase.Apply, ["/boot/vmlinuz-6.1.0-18-amd64"]);

        // Assert
        Assert.Null(plan.Error);
        var hook = plan.Changes.Single(c => c.Path == "/etc/lodge/setup-trial/initramfs-tools/hooks/unlock");
        Assert.Equal("#!/bin/sh\n# Written by lodge setup; 'lodge setup --revert' removes it.\ncopy_exec /usr/bin/unlock\n", hook.After);
        Assert.True(hook.Executable);
        Assert.True(plan.Changes.Single(c => c.Path == "/etc/lodge/setup-trial/initramfs-tools/scripts/local-top/unlock").Executable);
        Assert.DoesNotContain(plan.Changes, c => c.Path.StartsWith("/etc/initramfs-tools/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_parameter_grub_cmdline_linux_already_holds_is_not_added_again()
    {
        // Arrange: 10_linux puts GRUB_CMDLINE_LINUX on every entry before GRUB_CMDLINE_LINUX_DEFAULT (the lab's GRUB disk
        // has intel_iommu=on iommu=pt there).
        var files = DebianFiles();
        files["/etc/default/grub"] = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"console=ttyS0,115200 iommu=pt\"\n";
        var kernels = new[] { "/boot/vmlinuz-6.1.0-18-amd64" };

        // Act
        var apply = SetupPlanner.Plan(Host(Debian), Machines, files, SetupPhase.Apply, kernels);
        var confirm = SetupPlanner.Plan(Host(Debian), Machines, After(files, apply), SetupPhase.Confirm, kernels);

        // Assert
        Assert.Null(apply.Error);
        Assert.Empty(apply.KernelParameters);
        Assert.Contains("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet vfio-pci.ids=1002:73bf,1002:ab28 kvm.ignore_msrs=1 kvm.report_ignored_msrs=0\"", apply.Changes.Single(c => c.Path == "/etc/grub.d/42_lodge_trial").After, StringComparison.Ordinal);
        Assert.Null(confirm.Error);
        Assert.DoesNotContain(confirm.Changes, c => c.Path == "/etc/default/grub");
        Assert.Contains(["update-grub"], confirm.Regenerate);
    }

    [Fact]
    public void A_later_grub_d_drop_in_wins_and_confirm_writes_where_it_takes_effect()
    {
        // Arrange: Ubuntu cloud images set the command line again in /etc/default/grub.d/50-cloudimg-settings.cfg.
        var files = DebianFiles();
        files["/etc/default/grub.d/50-cloudimg-settings.cfg"] = "GRUB_CMDLINE_LINUX_DEFAULT=\"console=tty1 console=ttyS0\"\n";
        files["/etc/default/grub.d/init-select.cfg"] = "GRUB_TIMEOUT=2\n";
        var kernels = new[] { "/boot/vmlinuz-6.8.0-31-generic" };
        var apply = SetupPlanner.Plan(Host(Debian), Machines, files, SetupPhase.Apply, kernels);

        // Act
        var confirm = SetupPlanner.Plan(Host(Debian), Machines, After(files, apply), SetupPhase.Confirm, kernels);

        // Assert
        Assert.Contains("GRUB_CMDLINE_LINUX_DEFAULT=\"console=tty1 console=ttyS0 iommu=pt vfio-pci.ids=", apply.Changes.Single(c => c.Path == "/etc/grub.d/42_lodge_trial").After, StringComparison.Ordinal);
        var dropIn = confirm.Changes.Single(c => c.Path == "/etc/default/grub.d/50-cloudimg-settings.cfg");
        Assert.Equal("GRUB_CMDLINE_LINUX_DEFAULT=\"console=tty1 console=ttyS0 iommu=pt\"\n", dropIn.After);
        Assert.Contains("the last file that sets GRUB_CMDLINE_LINUX_DEFAULT", dropIn.Reasons[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(confirm.Changes, c => c.Path == "/etc/default/grub");
    }

    [Fact]
    public void A_grub_d_drop_in_that_builds_the_command_line_from_a_variable_is_refused_by_name()
    {
        // Arrange
        var files = DebianFiles();
        files["/etc/default/grub.d/99-extra.cfg"] = "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT mitigations=off\"\n";

        // Act
        var plan = SetupPlanner.Plan(Host(Debian), Machines, files, SetupPhase.Apply, ["/boot/vmlinuz-6.1.0-18-amd64"]);

        // Assert
        Assert.Equal("/etc/default/grub.d/99-extra.cfg", plan.Error?.Path);
        Assert.Contains("'/etc/default/grub.d/99-extra.cfg' line 1 sets GRUB_CMDLINE_LINUX_DEFAULT", plan.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_kernel_image_setup_refuses_to_guess_which_kernel_the_trial_boots()
    {
        // Act
        var plan = SetupPlanner.Plan(Host(Debian), Machines, DebianFiles(), SetupPhase.Apply, []);

        // Assert
        Assert.NotNull(plan.Error);
        Assert.Contains("/boot/vmlinuz-*", plan.Error!.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> FedoraFiles() => new()
    {
        ["/etc/default/grub"] = "GRUB_DEFAULT=saved\nGRUB_ENABLE_BLSCFG=true\n",
        ["/etc/dracut.conf"] = "",
        ["/boot/loader/entries/abc-6.9.12-200.fc40.x86_64.conf"] = "title Fedora (6.9.12)\nversion 6.9.12-200.fc40.x86_64\nlinux /vmlinuz-6.9.12-200.fc40.x86_64\ninitrd /initramfs-6.9.12-200.fc40.x86_64.img\noptions root=UUID=1 ro rhgb quiet\n",
        ["/boot/loader/entries/abc-6.10.3-200.fc40.x86_64.conf"] = "title Fedora (6.10.3)\nversion 6.10.3-200.fc40.x86_64\nlinux /vmlinuz-6.10.3-200.fc40.x86_64\ninitrd /initramfs-6.10.3-200.fc40.x86_64.img\noptions root=UUID=1 ro rhgb quiet\n",
    };

    [Fact]
    public void Dracut_trial_boots_the_newest_kernel_with_rd_driver_pre_and_confirm_regenerates_all()
    {
        // Act
        var apply = SetupPlanner.Plan(Host(FedoraGrub), Machines, FedoraFiles());
        var confirm = SetupPlanner.Plan(Host(FedoraGrub), Machines, After(FedoraFiles(), apply), SetupPhase.Confirm);

        // Assert: 6.10 is newer than 6.9 although it sorts first by name.
        Assert.Null(apply.Error);
        var trial = apply.Changes.Single(c => c.Path == "/boot/loader/entries/lodge-trial.conf").After!;
        Assert.Contains("linux /vmlinuz-6.10.3-200.fc40.x86_64\ninitrd /lodge-trial-initramfs-6.10.3-200.fc40.x86_64.img\n", trial, StringComparison.Ordinal);
        Assert.Contains("options root=UUID=1 ro rhgb quiet iommu=pt vfio-pci.ids=1002:73bf,1002:ab28 rd.driver.pre=vfio-pci kvm.ignore_msrs=1 kvm.report_ignored_msrs=0\n", trial, StringComparison.Ordinal);
        Assert.Contains("version 0-lodge-trial\n", trial, StringComparison.Ordinal);
        Assert.Contains(["dracut", "-f", "--kver", "6.10.3-200.fc40.x86_64", "--force-drivers", "vfio vfio_iommu_type1 vfio_pci", "--include", "/etc/lodge/setup-trial/lodge-vfio.conf", "/etc/modprobe.d/lodge-vfio.conf", "/boot/lodge-trial-initramfs-6.10.3-200.fc40.x86_64.img"], apply.BootCommands);
        Assert.DoesNotContain(apply.Changes, c => c.Path.StartsWith("/etc/dracut.conf.d/", StringComparison.Ordinal));
        Assert.Null(confirm.Error);
        Assert.Contains("force_drivers+=\" vfio vfio_iommu_type1 vfio_pci \"", confirm.Changes.Single(c => c.Path == "/etc/dracut.conf.d/lodge-vfio.conf").After, StringComparison.Ordinal);
        Assert.Equal(["dracut", "-f", "--regenerate-all"], confirm.Regenerate[0]);
    }

    private static Dictionary<string, string?> ArchFiles(string loaderConf, string entry = "title Arch\nlinux /vmlinuz-linux\ninitrd /initramfs-linux.img\noptions root=UUID=1 rw\n") => new()
    {
        ["/boot/loader/loader.conf"] = loaderConf,
        ["/boot/loader/entries/arch.conf"] = entry,
        ["/etc/mkinitcpio.conf"] = "MODULES=()\nHOOKS=(base udev)\n",
    };

    [Theory]
    [InlineData("default @saved\n", "says 'default @saved'")]
    [InlineData("default *\n", "also matches the trial entry")]
    [InlineData("default l*\n", "also matches the trial entry")]
    [InlineData("timeout 3\n", "would come before 'arch.conf'")]
    public void Systemd_boot_refuses_a_trial_entry_it_could_make_the_default(string loaderConf, string why)
    {
        // Act
        var plan = SetupPlanner.Plan(Host(SystemdBoot), Machines, ArchFiles(loaderConf));

        // Assert
        Assert.Equal("/boot/loader/loader.conf", plan.Error?.Path);
        Assert.Contains(why, plan.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("Write 'default arch.conf' in '/boot/loader/loader.conf'", plan.Error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Systemd_boot_trial_keeps_the_defaults_sort_key_with_the_lowest_version_so_it_sorts_after_it()
    {
        // Arrange: with a sort-key on the default entry, order is by sort-key, then version (newest first).
        var files = ArchFiles("timeout 3\n", "title Arch\nsort-key arch\nversion 6.9.7-arch1-1\nlinux /vmlinuz-linux\ninitrd /initramfs-linux.img\noptions root=UUID=1 rw\n");

        // Act
        var plan = SetupPlanner.Plan(Host(SystemdBoot), Machines, files);

        // Assert
        Assert.Null(plan.Error);
        var trial = plan.Changes.Single(c => c.Path == "/boot/loader/entries/lodge-trial.conf").After!;
        Assert.Contains("sort-key arch\n", trial, StringComparison.Ordinal);
        Assert.Contains("version 0-lodge-trial\n", trial, StringComparison.Ordinal);
        Assert.DoesNotContain("6.9.7", trial, StringComparison.Ordinal);
        Assert.Contains(["mkinitcpio", "-c", "/etc/lodge/setup-trial/mkinitcpio.conf", "-k", "/boot/vmlinuz-linux", "-g", "/boot/lodge-trial-initramfs-linux.img"], plan.BootCommands);
        Assert.Contains("MODULES=(vfio vfio_iommu_type1 vfio_pci)\n", plan.Changes.Single(c => c.Path == "/etc/lodge/setup-trial/mkinitcpio.conf").After, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Changes, c => c.Path == "/etc/mkinitcpio.conf");
    }

    [Fact]
    public void Proxmox_gets_no_trial_says_why_and_confirm_uses_etc_kernel_cmdline_and_proxmox_boot_tool()
    {
        // Arrange
        var boot = new BootInfo { Bootloader = Bootloader.SystemdBoot, CommandLineFile = "/etc/kernel/cmdline", OsId = "debian", ProxmoxBootTool = true };
        var files = new Dictionary<string, string?>
        {
            ["/etc/kernel/cmdline"] = "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n",
            ["/etc/initramfs-tools/modules"] = "",
        };

        // Act
        var apply = SetupPlanner.Plan(Host(boot), Machines, files);
        var confirm = SetupPlanner.Plan(Host(boot), Machines, After(files, apply), SetupPhase.Confirm);

        // Assert
        Assert.Null(apply.Error);
        Assert.False(apply.TrialBoot);
        Assert.DoesNotContain(apply.Changes, c => c.Path.StartsWith("/etc/kernel/", StringComparison.Ordinal) || c.Path.StartsWith("/etc/modprobe.d/", StringComparison.Ordinal) || c.Path.Contains("lodge-trial", StringComparison.Ordinal));
        Assert.Contains(apply.Notes, n => n.Contains("proxmox-boot-tool", StringComparison.Ordinal));
        Assert.Null(confirm.Error);
        Assert.Equal("root=ZFS=rpool/ROOT/pve-1 boot=zfs iommu=pt\n", confirm.Changes.Single(c => c.Path == "/etc/kernel/cmdline").After);
        Assert.Equal([["update-initramfs", "-u", "-k", "all"], ["proxmox-boot-tool", "refresh"]], confirm.Regenerate);
    }

    [Theory]
    [InlineData("6.10.3", "6.9.12", 1)]
    [InlineData("6.1.0-18-amd64", "6.1.0-9-amd64", 1)]
    [InlineData("0-lodge-trial", "6.1.0", -1)]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("8a1d-6.6.9.conf", "lodge-trial.conf", 1)]
    [InlineData("arch.conf", "lodge-trial.conf", -1)]
    [InlineData("6.6.9", "6.6.9", 0)]
    public void Versions_compare_as_systemd_boot_and_rpm_order_them(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(VersionComparer.Instance.Compare(a, b)));
        Assert.Equal(-expected, Math.Sign(VersionComparer.Instance.Compare(b, a)));
    }
}
