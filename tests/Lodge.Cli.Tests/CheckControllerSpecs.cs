using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux;
using Lodge.Linux.Handoff;
using Lodge.Linux.Runtime;
using Lodge.Linux.Simulation;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

// 'lodge check NAME' says what 'lodge up NAME' refuses for a [[usb]] controller, in up's own sentence, at the entry's
// place, with exit code 3: a controller whose IOMMU group holds a device the machine does not pass, and one with a disk
// behind it that the host uses. Over a copy of EADE3920D9 (the xHCI at 08:00.3 is alone in group 21; the one at 01:00.0
// shares group 13 with the SATA controller and the network card).
public sealed class CheckControllerSpecs : IDisposable
{
    private static readonly PciAddress Alone = PciAddress.Parse("0000:08:00.3");
    private static readonly PciAddress Shared = PciAddress.Parse("0000:01:00.0");
    private static readonly PciAddress SharedCompanion = PciAddress.Parse("0000:01:00.2"); // same slot: the plan passes it with 01:00.0
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-check-controller-").FullName;
    private readonly SimulatedKernel _kernel = new(RepoPaths.Host("EADE3920D9"));

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private RuntimeRoots Roots => new(Path.Combine(_dir, "run"), Path.Combine(_dir, "state"));

    private void Machine(string controller) =>
        File.WriteAllText(Path.Combine(_dir, "usb.toml"), $"os = \"linux\"\n\n[gpu]\nmode = \"virtio\"\n\n[[usb]]\ncontroller = \"{controller}\"\n");

    // What 'lodge up' refuses with when it binds: the controllers' plan over the host as the binding scans it.
    private IReadOnlyList<string> UpRefusals(IReadOnlyList<PciAddress> functions, IReadOnlyList<ControllerDiskUse> disks) =>
        ControllerHandoffPlanner.Plan(new SysfsScanner(new HostRoot(_kernel.Root)).ScanForControllers(), new ControllerHandoffRequest("usb", functions, false, disks)).Refusals;

    [Fact]
    public void I_get_ups_refusal_from_check_for_a_controller_that_shares_its_IOMMU_group_with_devices_the_machine_does_not_pass()
    {
        // Arrange
        Machine(Shared.ToString());
        var up = UpRefusals([Shared, SharedCompanion], []);

        // Act
        var check = CliRun.RunWith(Roots, "check", "usb", "--config-dir", _dir, "--root", _kernel.Root);

        // Assert: each of up's sentences, at the [[usb]] entry's controller line, with a fix; exit 3 as for every check error
        Assert.Equal(ExitCodes.Error, check.ExitCode);
        Assert.Equal(2, up.Count); // each function, one sentence naming both blockers: the SATA controller and the network card
        Assert.All(up, refusal => Assert.Contains($"usb.toml:7:1: error: {refusal}\n  fix: ", check.Out, StringComparison.Ordinal));
        Assert.Contains("Cannot give '0000:01:00.0' to the guest 'usb': its IOMMU group 13 also holds '0000:01:00.1' (driver 'ahci') and '0000:03:00.0' (driver 'r8169'), which the machine does not pass, and a guest can only have a whole group.", check.Out, StringComparison.Ordinal);
        Assert.Contains("usb.toml: 2 error(s).", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_get_ups_refusal_from_check_for_a_controller_with_a_disk_the_host_uses_and_the_same_controller_passes_once_it_is_free()
    {
        // Arrange: a USB disk behind 08:00.3 (its /sys/block link runs through the controller), mounted on /mnt/usb
        Machine(Alone.ToString());
        var controllerPath = new HostRoot(_kernel.Root).ReadLink($"/sys/bus/pci/devices/{Alone}")!.Replace("../../../devices/", "", StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(_kernel.Root, "sys", "block"));
        File.CreateSymbolicLink(Path.Combine(_kernel.Root, "sys", "block", "sda"), $"../devices/{controllerPath}/usb3/3-1/3-1:1.0/host0/target0:0:0/0:0:0:0/block/sda");
        Directory.CreateDirectory(Path.Combine(_kernel.Root, "sys", "class", "block", "sda"));
        File.WriteAllText(Path.Combine(_kernel.Root, "proc", "mounts"), "/dev/sda /mnt/usb ext4 rw,relatime 0 0\n");
        var disks = ControllerDisks.InUse(new HostRoot(_kernel.Root), [Alone]);
        var up = Assert.Single(UpRefusals([Alone], disks));

        // Act
        var check = CliRun.RunWith(Roots, "check", "usb", "--config-dir", _dir, "--root", _kernel.Root);
        File.WriteAllText(Path.Combine(_kernel.Root, "proc", "mounts"), string.Empty);
        var free = CliRun.RunWith(Roots, "check", "usb", "--config-dir", _dir, "--root", _kernel.Root);

        // Assert
        Assert.Equal("Cannot give '0000:08:00.3' to the guest 'usb': the host's disk 'sda' hangs off it and is in use ('sda' is mounted on '/mnt/usb'); taking the controller would pull the disk from under the host.", up);
        Assert.Equal(ExitCodes.Error, check.ExitCode);
        Assert.Contains($"usb.toml:7:1: error: {up}\n  fix: Stop using '/dev/sda' on the host", check.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, free.ExitCode);
        Assert.DoesNotContain("Cannot give", free.Out, StringComparison.Ordinal);
        Assert.Contains("usb.toml: valid.", free.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_get_no_refusal_from_check_for_a_controller_alone_in_its_group()
    {
        // Arrange
        Machine(Alone.ToString());

        // Act
        var check = CliRun.RunWith(Roots, "check", "usb", "--config-dir", _dir, "--root", _kernel.Root);

        // Assert
        Assert.Empty(UpRefusals([Alone], []));
        Assert.True(check.ExitCode == ExitCodes.Ok, check.Out + check.Error);
        Assert.DoesNotContain("Cannot give", check.Out, StringComparison.Ordinal);
    }
}
