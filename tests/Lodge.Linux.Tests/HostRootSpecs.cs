using Lodge.Linux;

namespace Lodge.Linux.Tests;

public sealed class HostRootSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-root-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void File(string path, string text)
    {
        var full = _dir + path;
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, text);
    }

    private void Link(string path, string target)
    {
        var full = _dir + path;
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.CreateSymbolicLink(full, target);
    }

    [Fact]
    public void An_absolute_link_target_resolves_below_the_root_not_on_the_real_host()
    {
        // Arrange
        File("/lib/systemd/system/gdm.service", "[Unit]\n");
        Link("/etc/systemd/system/display-manager.service", "/lib/systemd/system/gdm.service");
        Link("/etc/passwd-link", "/etc/passwd");
        var root = new HostRoot(_dir);

        // Act + Assert
        Assert.Equal("[Unit]\n", root.ReadText("/etc/systemd/system/display-manager.service"));
        Assert.Equal("/lib/systemd/system/gdm.service", root.Canonicalize("/etc/systemd/system/display-manager.service"));
        Assert.Null(root.ReadText("/etc/passwd-link"));
    }

    [Fact]
    public void Dot_dot_in_a_path_or_a_link_never_climbs_above_the_root()
    {
        // Arrange
        Link("/sys/escape", "../../../../../../../../etc");
        var root = new HostRoot(_dir);

        // Act + Assert
        Assert.Equal("/etc", root.Canonicalize("/sys/escape"));
        Assert.Null(root.ReadText("/sys/escape/hostname"));
        Assert.Null(root.ReadText("/../../../etc/hostname"));
        Assert.Equal(["sys"], root.ListDirectory("/../../.."));
    }

    [Fact]
    public void A_link_loop_ends_without_hanging_or_throwing()
    {
        // Arrange
        Link("/a", "/b");
        Link("/b", "/a");
        var root = new HostRoot(_dir);

        // Act + Assert
        Assert.Null(root.ReadText("/a/x"));
        Assert.False(root.Exists("/a"));
    }

    [Fact]
    public void Sysfs_style_relative_links_resolve_like_the_kernels()
    {
        // Arrange
        File("/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/vendor", "0x10de\n");
        Link("/sys/bus/pci/devices/0000:01:00.0", "../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0");
        Link("/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/driver", "../../../../bus/pci/drivers/nvidia");
        var root = new HostRoot(_dir);

        // Act + Assert
        Assert.Equal("0x10de", root.ReadAttribute("/sys/bus/pci/devices/0000:01:00.0/vendor"));
        Assert.Equal("nvidia", root.ReadLinkName("/sys/bus/pci/devices/0000:01:00.0/driver"));
        Assert.Equal("/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0", root.Canonicalize("/sys/bus/pci/devices/0000:01:00.0"));
    }

    [Fact]
    public void A_recording_root_logs_files_links_and_directories_it_touched()
    {
        // Arrange
        File("/sys/devices/x/vendor", "0x8086\n");
        Link("/sys/bus/pci/devices/x", "../../../devices/x");
        var log = new HostAccessLog();
        var root = new HostRoot(_dir, log);

        // Act
        root.ReadAttribute("/sys/bus/pci/devices/x/vendor");
        root.Exists("/sys/bus/pci/devices/x/nothing");

        // Assert
        var entries = log.Entries.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(HostAccessKind.Link, entries["/sys/bus/pci/devices/x"].Kind);
        Assert.Equal("../../../devices/x", entries["/sys/bus/pci/devices/x"].LinkTarget);
        Assert.Equal("0x8086\n", System.Text.Encoding.UTF8.GetString(entries["/sys/devices/x/vendor"].Content!));
        Assert.DoesNotContain("/sys/bus/pci/devices/x/nothing", entries.Keys);
    }
}
