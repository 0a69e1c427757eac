using Lodge.Linux.Runtime;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>Issue 10 item 1: a host block device or a system file is never a guest disk (check, plan and up).</summary>
public sealed class DiskSafetySpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-disks-").FullName;
    private readonly RuntimeRoots _roots;

    public DiskSafetySpecs()
    {
        _roots = new RuntimeRoots(Path.Combine(_dir, "run"), Path.Combine(_dir, "state"));
        Directory.CreateDirectory(Path.Combine(_dir, "machines"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CliResult Check(string disk, string? root = null)
    {
        File.WriteAllText(Path.Combine(_dir, "machines", "m.toml"), $"os = \"linux\"\n[gpu]\nmode = \"virtio\"\n\n[[disk]]\n{disk}\n");
        return CliRun.RunWith(_roots, ["check", "m", "--config-dir", Path.Combine(_dir, "machines"), .. root is null ? Array.Empty<string>() : ["--root", root]]);
    }

    private static HostTreeBuilder TreeWithDisk(string name, string majorMinor) =>
        new HostTreeBuilder()
            .File($"/dev/{name}", "")
            .File($"/sys/devices/virtual/block/{name}/dev", majorMinor + "\n")
            .Link($"/sys/class/block/{name}", $"../../devices/virtual/block/{name}")
            .Dir($"/sys/devices/virtual/block/{name}/holders")
            .File("/proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n");

    [Fact]
    public void I_can_try_to_use_a_mounted_block_device_as_a_disk_and_get_it_refused_even_with_passthrough()
    {
        // Arrange
        using var tree = TreeWithDisk("loop0", "7:0")
            .Link("/dev/disk/by-id/usb-stick", "../../loop0")
            .File("/proc/self/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n60 27 7:0 / /mnt/my\\040data rw,relatime - ext4 /dev/loop0 rw\n");

        // Act
        var direct = Check("path = \"/dev/loop0\"\npassthrough = true", tree.Root);
        var byId = Check("path = \"/dev/disk/by-id/usb-stick\"\npassthrough = true", tree.Root);

        // Assert
        Assert.Equal(3, direct.ExitCode);
        Assert.Contains("m.toml:6:1: error: The disk '/dev/loop0' is the host block device 'loop0', and the host is using it: 'loop0' is mounted on '/mnt/my data'.", direct.Out, StringComparison.Ordinal);
        Assert.Contains("  fix: Unmount it", direct.Out, StringComparison.Ordinal);
        Assert.Equal(3, byId.ExitCode);
        Assert.Contains("'loop0' is mounted on '/mnt/my data'", byId.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_use_a_whole_disk_with_a_mounted_partition_active_swap_or_an_lvm_member_and_get_each_named()
    {
        // Arrange
        using var tree = TreeWithDisk("sdb", "8:16")
            .File("/sys/devices/virtual/block/sdb/sdb1/partition", "1\n")
            .File("/sys/devices/virtual/block/sdb/sdb1/dev", "8:17\n")
            .Dir("/sys/devices/virtual/block/sdb/sdb1/holders")
            .File("/sys/devices/virtual/block/sdb/sdb2/partition", "2\n")
            .File("/sys/devices/virtual/block/sdb/sdb2/dev", "8:18\n")
            .Dir("/sys/devices/virtual/block/sdb/sdb2/holders")
            .File("/sys/devices/virtual/block/sdb/sdb3/partition", "3\n")
            .File("/sys/devices/virtual/block/sdb/sdb3/dev", "8:19\n")
            .Dir("/sys/devices/virtual/block/sdb/sdb3/holders/dm-0")
            .File("/dev/sdb2", "")
            .File("/proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n/dev/sdb2                               partition\t8388604\t0\t-2\n")
            .File("/proc/self/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n61 27 8:17 / /home rw,relatime - ext4 /dev/sdb1 rw\n");

        // Act
        var result = Check("path = \"/dev/sdb\"\npassthrough = true", tree.Root);

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("'sdb1' is mounted on '/home'; 'sdb2' is active swap; 'sdb3' is in use by 'dm-0' (LVM, RAID or device-mapper).", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_give_a_free_block_device_to_a_guest_only_with_passthrough_true()
    {
        // Arrange
        using var tree = TreeWithDisk("sdc", "8:32").File("/proc/self/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");

        // Act
        var without = Check("path = \"/dev/sdc\"", tree.Root);
        var with = Check("path = \"/dev/sdc\"\npassthrough = true", tree.Root);

        // Assert
        Assert.Equal(3, without.ExitCode);
        Assert.Contains("error: The disk '/dev/sdc' is the host block device 'sdc', and the guest would write to it directly.\n  fix: Add passthrough = true to this [[disk]]", without.Out, StringComparison.Ordinal);
        Assert.Equal(0, with.ExitCode);
    }

    [Fact]
    public void I_can_try_to_use_this_hosts_root_filesystem_device_and_get_it_refused()
    {
        // Arrange: the device that holds '/' on the machine running the tests, read from the real mountinfo.
        // Where '/' is not on a block device (an overlay root), a tree with the same mountinfo line stands in.
        var root = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')).FirstOrDefault(f => f.Length > 9 && f[4] == "/" && f[Array.IndexOf(f, "-") + 2].StartsWith("/dev/", StringComparison.Ordinal));
        using var tree = TreeWithDisk("vda", "254:0").File("/proc/self/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
        var device = root is null ? "/dev/vda" : root[Array.IndexOf(root, "-") + 2];

        // Act
        var result = Check($"path = \"{device}\"\npassthrough = true", root is null ? tree.Root : null);

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("holds the root filesystem", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("path = \"/etc/shadow\"", "inside '/etc', where the host keeps its own files")]
    [InlineData("path = \"/usr/bin/qemu-img\"", "inside '/usr'")]
    [InlineData("path = \"/proc/kcore\"", "inside '/proc'")]
    [InlineData("path = \"/dev/null\"", "inside '/dev'")]
    [InlineData("path = \"../../../../etc/passwd\"", "The relative disk path '../../../../etc/passwd' climbs out of the machine's state folder")]
    [InlineData("cdrom = \"/etc/shadow\"", "inside '/etc'")]
    public void I_can_try_to_use_a_system_file_as_a_disk_and_get_it_refused(string disk, string message)
    {
        // Act
        var result = Check(disk);

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(message, result.Out, StringComparison.Ordinal);
        Assert.Matches(@"m\.toml:6:\d+: error: ", result.Out);
    }

    [Fact]
    public void I_can_try_to_reach_out_of_the_state_folder_through_a_link_and_get_it_refused()
    {
        // Arrange
        var state = _roots.StateDir("m");
        Directory.CreateDirectory(state);
        File.CreateSymbolicLink(Path.Combine(state, "escape.img"), "/etc/passwd");

        // Act
        var result = Check("path = \"escape.img\"");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("The relative disk path 'escape.img' leads through a link out of the machine's state folder, to '/etc/passwd'.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_use_an_image_of_another_user_outside_the_state_folder_and_get_it_refused()
    {
        // Arrange
        // Giving a file to another user needs root, which the test suite runs as (./run-tests).
        Assert.True(Environment.IsPrivilegedProcess, "This spec needs root to chown a file.");
        var image = Path.Combine(_dir, "someone-else.img");
        File.WriteAllBytes(image, new byte[4096]);
        using (var chown = System.Diagnostics.Process.Start("chown", ["65534", image]))
        {
            chown.WaitForExit();
            Assert.Equal(0, chown.ExitCode);
        }

        var mine = Path.Combine(_dir, "mine.img");
        File.WriteAllBytes(mine, new byte[4096]);

        // Act
        var theirs = Check($"path = \"{image}\"");
        var ours = Check($"path = \"{mine}\"");

        // Assert
        Assert.Equal(3, theirs.ExitCode);
        Assert.Contains("is owned by user id 65534, not by you", theirs.Out, StringComparison.Ordinal);
        Assert.Equal(0, ours.ExitCode);
    }

    [Fact]
    public void I_can_try_to_plan_a_machine_whose_disk_is_refused_and_get_no_argv()
    {
        // Arrange
        File.WriteAllText(Path.Combine(_dir, "machines", "m.toml"), "os = \"linux\"\n[gpu]\nmode = \"virtio\"\n\n[[disk]]\npath = \"/etc/shadow\"\n");

        // Act
        var args = CliRun.RunWith(_roots, "args", "m", "--config-dir", Path.Combine(_dir, "machines"));

        // Assert
        Assert.Equal(3, args.ExitCode);
        Assert.Equal(string.Empty, args.Out);
        Assert.Contains("Run 'lodge check m'", args.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_use_an_image_file_that_is_loop_mounted_on_the_host_and_get_it_refused()
    {
        // Arrange: /srv/img.raw attached to loop1 (losetup), and loop1 mounted on /mnt/img.
        using var tree = TreeWithDisk("loop1", "7:1")
            .Bytes("/srv/img.raw", new byte[4096])
            .File("/sys/devices/virtual/block/loop1/loop/backing_file", "/srv/img.raw\n")
            .File("/proc/self/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n62 27 7:1 / /mnt/img rw,relatime - ext4 /dev/loop1 rw\n");

        // Act
        var result = Check("path = \"/srv/img.raw\"", tree.Root);

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("error: The disk image '/srv/img.raw' is attached to a loop device that the host is using: 'loop1' is mounted on '/mnt/img'.", result.Out, StringComparison.Ordinal);
    }
}
