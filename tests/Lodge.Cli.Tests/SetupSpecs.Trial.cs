using Lodge.Linux.Simulation;
using Lodge.Testing.Processes;

namespace Lodge.Cli.Tests;

/// <summary>The trial boot isolates everything: after <c>--apply</c> the default entry boots exactly what it booted before.</summary>
public sealed partial class SetupSpecs
{
    // What the default (fallback) entry boots: its command line, its initramfs and the module options, wherever each
    // loader keeps them. Only the trial's own files (lodge-trial*, /etc/lodge/setup-trial, /etc/grub.d/42_lodge_trial) may appear.
    private static bool IsFallbackFile(string path) =>
        !path.Contains("lodge-trial", StringComparison.Ordinal)
        && (path.StartsWith("/boot/", StringComparison.Ordinal) || path.StartsWith("/etc/default/", StringComparison.Ordinal)
            || path.StartsWith("/etc/modprobe.d", StringComparison.Ordinal) || path.StartsWith("/etc/initramfs-tools", StringComparison.Ordinal)
            || path.StartsWith("/etc/dracut.conf", StringComparison.Ordinal) || path is "/etc/mkinitcpio.conf"
            || path.StartsWith("/etc/kernel/", StringComparison.Ordinal) || path.StartsWith("/etc/kernelstub", StringComparison.Ordinal));

    private static SortedDictionary<string, string> Fallback(TreeCopy tree) =>
        new(SetupTrees.Snapshot(tree.Root).Where(e => IsFallbackFile(e.Key)).ToDictionary(), StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Distros))]
    public void I_can_apply_and_the_default_entry_boots_byte_for_byte_what_it_booted_before(string distro)
    {
        // Arrange
        using var tree = SetupTrees.Create(distro);
        var before = Fallback(tree);

        // Act
        var applied = Setup(tree, distro, "--apply");

        // Assert: no shared file changed, and no command rebuilt the default initramfs or the default command line.
        Assert.Equal(0, applied.ExitCode);
        Assert.NotEmpty(before);
        SetupTrees.AssertSame(before, Fallback(tree));
        Assert.DoesNotContain(_runner.Commands, c => c[2] is "update-initramfs" or "kernel-install" or "kernelstub" or "proxmox-boot-tool" || c.Contains("--regenerate-all") || c.Contains("-P"));
    }

    [Fact]
    public void I_can_revert_an_apply_and_the_trial_initramfs_that_its_command_built_is_gone()
    {
        // Arrange: the simulated mkinitramfs builds the trial image.
        using var tree = SetupTrees.Create("debian");
        var before = SetupTrees.Snapshot(tree.Root);
        Setup(tree, "debian", "--apply");
        const string image = "/boot/lodge-trial-initrd.img-6.1.0-18-amd64";
        Assert.True(File.Exists(tree.Root + image));

        // Act
        var reverted = Setup(tree, "debian", "--revert");

        // Assert
        Assert.Equal(0, reverted.ExitCode);
        SetupTrees.AssertSame(before, SetupTrees.Snapshot(tree.Root));
    }

    [Fact]
    public void I_can_revert_a_confirm_and_get_back_the_exact_initramfs_images_the_default_entry_booted()
    {
        // Arrange: the confirm rebuilds every kernel's initramfs (update-initramfs -u -k all), and a rebuild never has the
        // same bytes; so does the revert's own rebuild. Only the backup gives the old images back.
        using var tree = SetupTrees.Create("debian");
        Setup(tree, "debian", "--apply");
        var applied = SetupTrees.Snapshot(tree.Root);
        const string image = "/boot/initrd.img-6.1.0-18-amd64";

        // Act
        var confirmed = Setup(tree, "debian", "--confirm");
        var rebuilt = SetupTrees.Snapshot(tree.Root)[image] != applied[image];
        var reverted = Setup(tree, "debian", "--revert");

        // Assert
        Assert.Equal(0, confirmed.ExitCode);
        Assert.True(rebuilt);
        Assert.Equal(0, reverted.ExitCode);
        Assert.Contains(_runner.Commands, c => c.Skip(2).SequenceEqual(["update-initramfs", "-u", "-k", "all"]));
        SetupTrees.AssertSame(applied, SetupTrees.Snapshot(tree.Root));
    }

    [Fact]
    public void I_can_confirm_and_the_trial_initramfs_goes_and_comes_back_byte_for_byte_when_I_revert_the_confirm()
    {
        // Arrange
        using var tree = SetupTrees.Create("fedora");
        Setup(tree, "fedora", "--apply");
        const string image = "/boot/lodge-trial-initramfs-6.6.9-200.fc39.x86_64.img";
        File.WriteAllBytes(tree.Root + image, [0x07, 0x07, 0x01, 0x00, 0xff]);
        var applied = SetupTrees.Snapshot(tree.Root);

        // Act
        var confirmed = Setup(tree, "fedora", "--confirm");
        var imageAfterConfirm = File.Exists(tree.Root + image);
        var reverted = Setup(tree, "fedora", "--revert");

        // Assert
        Assert.Equal(0, confirmed.ExitCode);
        Assert.False(imageAfterConfirm);
        Assert.Equal(0, reverted.ExitCode);
        SetupTrees.AssertSame(applied, SetupTrees.Snapshot(tree.Root));
    }

    [Fact]
    public void I_can_see_the_exact_argv_that_builds_each_trial_initramfs()
    {
        // Arrange
        var expected = new Dictionary<string, string[]>
        {
            ["debian"] = ["mkinitramfs", "-d", "/etc/lodge/setup-trial/initramfs-tools", "-o", "/boot/lodge-trial-initrd.img-6.1.0-18-amd64", "6.1.0-18-amd64"],
            ["fedora"] = ["dracut", "-f", "--kver", "6.6.9-200.fc39.x86_64", "--force-drivers", "vfio vfio_iommu_type1 vfio_pci", "--include", "/etc/lodge/setup-trial/lodge-vfio.conf", "/etc/modprobe.d/lodge-vfio.conf", "/boot/lodge-trial-initramfs-6.6.9-200.fc39.x86_64.img"],
            ["arch"] = ["mkinitcpio", "-c", "/etc/lodge/setup-trial/mkinitcpio.conf", "-k", "/boot/vmlinuz-linux", "-g", "/boot/lodge-trial-initramfs-linux.img"],
            ["pop"] = ["mkinitramfs", "-d", "/etc/lodge/setup-trial/initramfs-tools", "-o", "/boot/efi/EFI/Pop_OS-9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d/lodge-trial-initrd.img", "6.6.6-76060606-generic"],
        };

        foreach (var (distro, argv) in expected)
        {
            using var tree = SetupTrees.Create(distro);
            var from = _runner.Commands.Count;

            // Act
            Setup(tree, distro, "--apply");

            // Assert
            Assert.Contains(_runner.Commands.Skip(from), c => c.Skip(2).SequenceEqual(argv));
        }
    }

    // What GRUB 2.06's 10_linux prints on Debian: the newest kernel at the top, older ones in a submenu.
    private const string Fake10Linux = """
        #!/bin/sh
        cat <<OUT
        menuentry 'Debian GNU/Linux' --class debian --class gnu-linux --class os \$menuentry_id_option 'gnulinux-simple-0d5a' {
        	load_video
        	linux	/boot/vmlinuz-6.1.0-18-amd64 root=UUID=0d5a ro ${GRUB_CMDLINE_LINUX_DEFAULT}
        	initrd	/boot/intel-ucode.img /boot/initrd.img-6.1.0-18-amd64
        }
        submenu 'Advanced options for Debian GNU/Linux' \$menuentry_id_option 'gnulinux-advanced-0d5a' {
        	menuentry 'Debian GNU/Linux, with Linux 6.1.0-9-amd64' --class debian \$menuentry_id_option 'gnulinux-6.1.0-9-amd64-advanced-0d5a' {
        		linux	/boot/vmlinuz-6.1.0-9-amd64 root=UUID=0d5a ro ${GRUB_CMDLINE_LINUX_DEFAULT}
        		initrd	/boot/initrd.img-6.1.0-9-amd64
        	}
        }
        OUT

        """;

    [Fact]
    public void I_can_run_the_grub_trial_script_and_get_one_entry_for_the_newest_kernel_with_the_trial_initramfs()
    {
        // Arrange: the real /bin/sh, awk and sed run the script setup wrote, next to a 10_linux that prints what GRUB's does.
        using var tree = SetupTrees.Create("debian");
        Setup(tree, "debian", "--apply");
        var grubD = Path.Combine(tree.Root, "etc", "grub.d");
        File.WriteAllText(Path.Combine(grubD, "10_linux"), Fake10Linux);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(grubD, "10_linux"), (UnixFileMode)0b111_101_101);
        }

        using var sh = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", [Path.Combine(grubD, "42_lodge_trial")]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = sh.StandardOutput.ReadToEnd();
        var error = sh.StandardError.ReadToEnd();
        sh.WaitForExit();

        // Assert
        Assert.True(sh.ExitCode == 0, error);
        Assert.Equal(
            "menuentry 'Lodge trial' --class debian --class gnu-linux --class os --id lodge-trial {\n"
            + "\tload_video\n"
            + "\tlinux\t/boot/vmlinuz-6.1.0-18-amd64 root=UUID=0d5a ro quiet intel_iommu=on iommu=pt vfio-pci.ids=10de:10f8,10de:1ad8,10de:1ad9,10de:1e81 kvm.ignore_msrs=1 kvm.report_ignored_msrs=0\n"
            + "\tinitrd\t/boot/intel-ucode.img /boot/lodge-trial-initrd.img-6.1.0-18-amd64\n"
            + "}\n",
            output);
    }
}
