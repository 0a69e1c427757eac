using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;
using Lodge.Linux;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>`lodge new` gives the guest the GPU a user means: the discrete one, in handoff mode when the host boots on it, with a
/// way to see the guest when the GPU has no outputs.</summary>
public sealed class NewGpuChoiceSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-new-gpu-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> TwoGpuFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var fixture in RepoPaths.HostFixtures)
        {
            var host = new SysfsScanner(new HostRoot(RepoPaths.Host(fixture))).Scan();
            var gpus = host.PciDevices.Where(d => d.Class is { IsGpu: true }).ToList();
            if (gpus.Count >= 2 && gpus.Any(IntegratedGpu.Is))
            {
                data.Add(fixture);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TwoGpuFixtures))]
    public void On_a_fixture_with_an_integrated_and_a_discrete_gpu_new_picks_the_discrete_one(string fixture)
    {
        // Arrange
        var root = RepoPaths.Host(fixture);
        var host = new SysfsScanner(new HostRoot(root)).Scan();
        var assessments = PassthroughAdvisor.Assess(host);

        // Act
        var created = CliRun.Run("new", "guest", "--os", "linux", "--root", root, "--config-dir", _dir);
        var text = File.ReadAllText(Path.Combine(_dir, "guest.toml"));

        // Assert
        Assert.Equal(0, created.ExitCode);
        var passableDiscrete = assessments.Where(a => a.Kind == DeviceKind.Gpu && a.IsPassable && !IntegratedGpu.Is(a.Device)).ToList();
        foreach (var igpu in host.PciDevices.Where(IntegratedGpu.Is))
        {
            Assert.DoesNotContain($"at {igpu.Address}", text, StringComparison.Ordinal);
        }

        if (passableDiscrete.Count == 0)
        {
            Assert.Contains("mode = \"virtio\"", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(passableDiscrete.Select(a => $"at {a.Device.Address}"), s => text.Contains(s, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void On_a_desktop_whose_discrete_card_is_the_boot_vga_new_uses_handoff_and_names_the_igpu_way()
    {
        // Arrange
        using var tree = Tree(dgpuClass: 0x030000, dgpuBootVga: true, laptop: false);

        // Act
        var created = CliRun.Run("new", "desk", "--os", "linux", "--root", tree.Root, "--config-dir", _dir);
        var check = CliRun.Run("check", "desk", "--root", tree.Root, "--config-dir", _dir);
        var text = File.ReadAllText(Path.Combine(_dir, "desk.toml"));

        // Assert
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("at 0000:01:00.0", text, StringComparison.Ordinal);
        Assert.Contains("mode = \"handoff\"", text, StringComparison.Ordinal);
        Assert.Contains("make the iGPU 0000:00:02.0 primary", text, StringComparison.Ordinal);
        Assert.Equal(0, check.ExitCode);
    }

    [Theory]
    [InlineData("linux")]
    [InlineData("windows11")]
    public void On_a_laptop_with_a_3d_controller_new_writes_a_machine_check_accepts_and_plan_shows_how_to_see_the_guest(string os)
    {
        // Arrange
        using var tree = Tree(dgpuClass: 0x030200, dgpuBootVga: null, laptop: true);

        // Act
        var created = CliRun.Run("new", "lap", "--os", os, "--root", tree.Root, "--config-dir", _dir);
        var check = CliRun.Run("check", "lap", "--root", tree.Root, "--config-dir", _dir);
        var plan = CliRun.Run("plan", "lap", "--root", tree.Root, "--config-dir", _dir);
        var text = File.ReadAllText(Path.Combine(_dir, "lap.toml"));

        // Assert
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("at 0000:01:00.0", text, StringComparison.Ordinal);
        Assert.Contains("mode = \"dedicated\"", text, StringComparison.Ordinal);
        Assert.Contains("type = \"looking-glass\"", text, StringComparison.Ordinal);
        Assert.True(check.ExitCode == 0, check.Out + check.Error + check.Console);
        Assert.True(plan.ExitCode == 0, plan.Out + plan.Error + plan.Console);
        var planText = plan.Out + plan.Console;
        Assert.DoesNotContain("the passed GPU is the display", planText, StringComparison.Ordinal);
        Assert.Contains("Looking Glass", planText, StringComparison.Ordinal);
        Assert.Contains("virtio-vga", planText, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_warns_when_a_3d_controller_guest_has_no_display_and_when_a_machine_asks_for_the_igpu()
    {
        // Arrange
        using var tree = Tree(dgpuClass: 0x030200, dgpuBootVga: null, laptop: true);
        File.WriteAllText(Path.Combine(_dir, "blind.toml"), "os = \"linux\"\n[gpu]\ndevice = \"0000:01:00.0\"\nmode = \"dedicated\"\n[display]\ntype = \"none\"\n");
        File.WriteAllText(Path.Combine(_dir, "igpu.toml"), "os = \"linux\"\n[gpu]\ndevice = \"0000:00:02.0\"\nmode = \"handoff\"\n");

        // Act
        var blind = CliRun.Run("check", "blind", "--root", tree.Root, "--config-dir", _dir);
        var igpu = CliRun.Run("check", "igpu", "--root", tree.Root, "--config-dir", _dir);

        // Assert
        Assert.Contains("nothing shows the guest's screen", blind.Out + blind.Console, StringComparison.Ordinal);
        Assert.Contains("integrated GPU", igpu.Out + igpu.Console, StringComparison.Ordinal);
    }

    // A small host: an Intel Coffee Lake iGPU at 00:02.0 and a discrete GPU at 01:00.0 behind the root port 00:01.0, each in its
    // own IOMMU group; a laptop adds its chassis type and a battery.
    private static HostTreeBuilder Tree(int dgpuClass, bool? dgpuBootVga, bool laptop)
    {
        var tree = new HostTreeBuilder()
            .File("/proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=/dev/nvme0n1p2 ro quiet intel_iommu=on iommu=pt\n")
            .File("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz\nflags\t\t: fpu vme vmx\n\n")
            .File("/etc/os-release", "ID=debian\n")
            .File("/etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\n")
            .Dir("/dev/dri");
        Device(tree, "0000:00:00.0", "pci0000:00/0000:00:00.0", 0x8086, 0x3ec4, 0x060000, null, null);
        Device(tree, "0000:00:02.0", "pci0000:00/0000:00:02.0", 0x8086, 0x3e9b, 0x030000, 0, true);
        Device(tree, "0000:00:01.0", "pci0000:00/0000:00:01.0", 0x8086, 0x1901, 0x060400, 1, null);
        Device(tree, "0000:01:00.0", "pci0000:00/0000:00:01.0/0000:01:00.0", 0x10de, 0x1f91, dgpuClass, 1, dgpuBootVga);
        if (dgpuBootVga == true)
        {
            tree.File("/sys/devices/pci0000:00/0000:00:02.0/boot_vga", "0\n");
        }

        if (laptop)
        {
            tree.File("/sys/class/dmi/id/chassis_type", "10\n").Dir("/sys/class/power_supply/BAT0");
        }

        return tree;
    }

    private static void Device(HostTreeBuilder tree, string address, string path, ushort vendor, ushort device, int cls, int? group, bool? bootVga)
    {
        var dir = $"/sys/devices/{path}";
        tree.File($"{dir}/vendor", $"0x{vendor:x4}\n").File($"{dir}/device", $"0x{device:x4}\n").File($"{dir}/class", $"0x{cls:x6}\n")
            .File($"{dir}/reset_method", "flr bus\n")
            .Link($"/sys/bus/pci/devices/{address}", $"../../../devices/{path}");
        if (bootVga is { } b)
        {
            tree.File($"{dir}/boot_vga", b ? "1\n" : "0\n");
        }

        if (group is { } g)
        {
            var depth = string.Concat(Enumerable.Repeat("../", path.Count(c => c == '/') + 2));
            tree.Link($"{dir}/iommu_group", $"{depth}kernel/iommu_groups/{g}");
            tree.Link($"/sys/kernel/iommu_groups/{g}/devices/{address}", $"../../../../devices/{path}");
        }
    }
}
