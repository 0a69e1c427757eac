using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>Refusals and failures (an unknown boot loader, malformed or foreign files, a failed write or command), --for, --list and doctor.</summary>
public sealed partial class SetupSpecs
{
    [Fact]
    public void I_can_see_what_setup_would_change_on_an_unknown_boot_loader_and_it_refuses_to_guess()
    {
        // Arrange
        using var tree = SetupTrees.Create("unknown");
        var before = SetupTrees.Snapshot(tree.Root, includeBackups: true);

        // Act
        var shown = Setup(tree, "unknown");
        var applied = Setup(tree, "unknown", "--apply");

        // Assert
        Assert.Equal(3, shown.ExitCode);
        Assert.Equal(3, applied.ExitCode);
        Golden.Match(SetupTrees.GoldenPath("unknown.plan.txt"), shown.Out);
        Golden.Match(SetupTrees.GoldenPath("unknown.err"), shown.Error);
        SetupTrees.AssertSame(before, SetupTrees.Snapshot(tree.Root, includeBackups: true));
        Assert.Empty(_runner.Commands);
    }

    [Theory]
    [InlineData("debian", "/etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet", "Error: '/etc/default/grub' line 9 sets GRUB_CMDLINE_LINUX_DEFAULT in a way setup cannot parse")]
    [InlineData("arch", "/etc/mkinitcpio.conf", "MODULES=(btrfs)", "MODULES=\"btrfs\"", "Error: '/etc/mkinitcpio.conf' has a MODULES line that is not a one-line array (line 7)")]
    [InlineData("arch", "/boot/loader/entries/arch.conf", "options root=", "#options root=", "Error: The boot entry '/boot/loader/entries/arch.conf' has no 'options' line")]
    [InlineData("fedora", "/boot/loader/entries/8a1d0f6e2c3b4a5d9e7f1a2b3c4d5e6f-6.6.9-200.fc39.x86_64.conf", "options root=UUID=6f3c1a4e-2b7d-4d8e-9f10-1a2b3c4d5e6f ro rootflags=subvol=root rhgb quiet", "options $kernelopts", "takes its options from a GRUB variable")]
    public void I_can_try_to_apply_with_a_malformed_file_and_get_a_clear_error_and_nothing_written(string distro, string path, string from, string to, string error)
    {
        // Arrange
        using var tree = SetupTrees.Create(distro);
        var real = tree.Root + path;
        File.WriteAllText(real, File.ReadAllText(real).Replace(from, to, StringComparison.Ordinal));
        var before = SetupTrees.Snapshot(tree.Root, includeBackups: true);

        // Act
        var result = Setup(tree, distro, "--apply");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(error, result.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was written.", result.Error, StringComparison.Ordinal);
        SetupTrees.AssertSame(before, SetupTrees.Snapshot(tree.Root, includeBackups: true));
        Assert.Empty(_runner.Commands);
    }

    [Fact]
    public void I_can_try_to_apply_over_a_file_lodge_did_not_write_and_get_an_error()
    {
        // Arrange
        using var tree = SetupTrees.Create("debian");
        Directory.CreateDirectory(tree.Root + "/etc/modprobe.d");
        File.WriteAllText(tree.Root + "/etc/modprobe.d/lodge-vfio.conf", "options vfio-pci ids=10de:1e81\n");

        // Act
        var result = Setup(tree, "debian", "--apply");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Error: '/etc/modprobe.d/lodge-vfio.conf' exists but was not written by Lodge, so setup will not overwrite it.", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tree.Root + "/var/lib/lodge"));
    }

    [Fact]
    public void I_can_have_a_write_fail_halfway_and_get_every_file_back_as_it_was()
    {
        // Arrange: a directory where the rescue unit goes makes the rename of that one file fail, after others were written.
        using var tree = SetupTrees.Create("debian");
        Directory.CreateDirectory(tree.Root + "/etc/systemd/system/lodge-rescue.service");
        var before = SetupTrees.Snapshot(tree.Root, includeBackups: true);

        // Act
        var result = Setup(tree, "debian", "--apply");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Error: Cannot write '/etc/systemd/system/lodge-rescue.service'; every file written before it was restored", result.Error, StringComparison.Ordinal);
        var after = SetupTrees.Snapshot(tree.Root, includeBackups: true);
        after.Remove("/var/lib/lodge/setup");
        after.Remove("/var/lib/lodge");
        after.Remove("/var/lib");
        after.Remove("/var");
        SetupTrees.AssertSame(before, after);
        Assert.Empty(_runner.Commands);
    }

    [Fact]
    public void I_can_try_to_confirm_without_a_trial_boot_and_get_an_error()
    {
        // Arrange
        using var tree = SetupTrees.Create("arch");

        // Act
        var result = Setup(tree, "arch", "--confirm");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Error: There is no trial boot to confirm: '/boot/loader/entries/lodge-trial.conf' does not exist.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_revert_after_a_file_changed_and_get_an_error_that_names_it()
    {
        // Arrange
        using var tree = SetupTrees.Create("arch");
        Setup(tree, "arch", "--apply");
        File.AppendAllText(tree.Root + "/etc/lodge/setup-trial/mkinitcpio.conf", "COMPRESSION=\"zstd\"\n");

        // Act
        var result = Setup(tree, "arch", "--revert", "20261127-120000");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Error: '/etc/lodge/setup-trial/mkinitcpio.conf' changed after setup '20261127-120000' wrote it, so a revert would lose that change.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_list_past_applies_and_see_which_were_reverted()
    {
        // Arrange
        using var tree = SetupTrees.Create("debian");
        Setup(tree, "debian", "--apply");
        Setup(tree, "debian", "--revert");
        Setup(tree, "debian", "--apply");

        // Act
        var result = Setup(tree, "debian", "--list");

        // Assert
        Assert.Equal(0, result.ExitCode);
        Golden.Match(SetupTrees.GoldenPath("debian.list.txt"), result.Out);
    }

    [Fact]
    public void I_can_see_in_doctor_that_a_trial_boot_waits_for_confirm()
    {
        // Arrange
        using var tree = SetupTrees.Create("arch");
        Setup(tree, "arch", "--apply");

        // Act
        var doctor = CliRun.Run("doctor", "--root", tree.Root);

        // Assert
        Assert.Contains("run 'lodge setup --confirm'", doctor.Console + doctor.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_set_up_the_host_for_some_machines_only()
    {
        // Arrange
        using var tree = SetupTrees.Create("debian");

        // Act
        var all = Setup(tree, "debian");
        var mac = Setup(tree, "debian", "--for", "mac");

        // Assert: the module options reach the trial entry's command line; lodge-kvm.conf waits for --confirm.
        Assert.Contains("#   mac, win11: Boots 'quiet intel_iommu=on iommu=pt vfio-pci.ids=10de:10f8,10de:1ad8,10de:1ad9,10de:1e81 kvm.ignore_msrs=1 kvm.report_ignored_msrs=0' once on trial", all.Out, StringComparison.Ordinal);
        Assert.Contains("#   mac: Boots 'quiet kvm.ignore_msrs=1 kvm.report_ignored_msrs=0' once on trial", mac.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("vfio", mac.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("# /etc/modprobe.d/", all.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("# /etc/modprobe.d/", mac.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_have_a_command_fail_and_get_its_name_and_the_revert_that_undoes_the_files()
    {
        // Arrange
        using var tree = SetupTrees.Create("debian");
        _runner.Failing.Add("mkinitramfs");

        // Act
        var result = Setup(tree, "debian", "--apply");

        // Assert: the trial initramfs failed, so the trial is never scheduled (no grub-reboot).
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Error: 'mkinitramfs -d /etc/lodge/setup-trial/initramfs-tools -o /boot/lodge-trial-initrd.img-6.1.0-18-amd64 6.1.0-18-amd64' failed with exit code 1; the files of setup '20261127-120000' are written.", result.Error, StringComparison.Ordinal);
        Assert.Contains("run 'lodge setup --revert 20261127-120000'", result.Error, StringComparison.Ordinal);
        Assert.Equal(["update-grub", "systemctl", "mkinitramfs"], _runner.Commands.Select(c => c[2]));
    }

    [Fact]
    public void I_can_try_to_set_up_for_a_machine_that_does_not_exist_and_get_an_error()
    {
        // Arrange
        using var tree = SetupTrees.Create("debian");

        // Act
        var result = Setup(tree, "debian", "--for", "ghost");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("There is no machine 'ghost'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_set_up_a_host_whose_grub_defaults_are_a_symlink_and_get_an_error()
    {
        // Arrange
        using var tree = SetupTrees.Create("debian");
        File.Move(tree.Root + "/etc/default/grub", tree.Root + "/etc/default/grub.real");
        File.CreateSymbolicLink(tree.Root + "/etc/default/grub", "grub.real");

        // Act
        var result = Setup(tree, "debian", "--apply");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Error: '/etc/default/grub' is a symbolic link (to 'grub.real'), and setup edits only regular files.", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tree.Root + "/var/lib/lodge"));
    }
}
