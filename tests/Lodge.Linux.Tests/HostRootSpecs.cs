using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
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

    [Fact]
    public void A_folder_reads_each_entry_as_the_path_based_reads_do_and_never_through_a_link_out_of_the_root()
    {
        // Arrange: a device folder with plain attributes, sysfs-style links, a link that points at the real host's
        // /etc/hostname (which this root does not have), a link to a file inside the root, and an empty attribute.
        File("/sys/devices/pci0000:00/0000:00:01.0/vendor", "0x8086\n");
        File("/sys/devices/pci0000:00/0000:00:01.0/class", "  0x030000 \n");
        File("/sys/devices/pci0000:00/0000:00:01.0/boot_vga", "\n");
        File("/sys/bus/pci/drivers/vfio-pci/bind", string.Empty);
        File("/sys/devices/pci0000:00/0000:00:01.0/mdev_supported_types/i915-GVTg_V5_4/name", "GVTg_V5_4\n");
        File("/etc/inside", "inside\n");
        Link("/sys/devices/pci0000:00/0000:00:01.0/driver", "../../../bus/pci/drivers/vfio-pci");
        Link("/sys/devices/pci0000:00/0000:00:01.0/escape", "/etc/hostname");
        Link("/sys/devices/pci0000:00/0000:00:01.0/climb", "../../../../../../../../../etc/hostname");
        Link("/sys/devices/pci0000:00/0000:00:01.0/inside", "/etc/inside");
        Link("/sys/devices/pci0000:00/0000:00:01.0/dangling", "nowhere");
        Link("/sys/bus/pci/devices/0000:00:01.0", "../../../devices/pci0000:00/0000:00:01.0");
        var names = new[] { "vendor", "class", "boot_vga", "driver", "escape", "climb", "inside", "dangling", "mdev_supported_types", "absent", "a/b", "..", "." };
        var dir = "/sys/bus/pci/devices/0000:00:01.0";

        // Act
        var byPath = new HostRoot(_dir);
        var expected = names.Select(n => (byPath.ReadAttribute($"{dir}/{n}"), byPath.ReadLinkName($"{dir}/{n}"), byPath.Exists($"{dir}/{n}"))).ToList();
        var root = new HostRoot(_dir);
        using var folder = root.OpenFolder(dir);
        var actual = names.Select(n => (folder.ReadAttribute(n), folder.ReadLinkName(n), folder.Exists(n))).ToList();

        // Assert
        Assert.Equal(expected, actual);
        Assert.Equal("/sys/devices/pci0000:00/0000:00:01.0", folder.Canonical);
        Assert.Equal(("0x8086", (string?)null, true), actual[0]);
        Assert.Equal("vfio-pci", actual[3].Item2);
        Assert.Equal(((string?)null, "hostname", false), actual[4]); // the real host's /etc/hostname is never read
        Assert.Equal("inside", actual[6].Item1);
        Assert.False(actual[7].Item3);
        Assert.Equal(((string?)null, (string?)null, false), actual[9]);
    }

    [Fact]
    public void A_missing_folder_reads_as_empty()
    {
        // Arrange
        File("/sys/bus/pci/devices/other", "x");
        var root = new HostRoot(_dir);

        // Act
        using var folder = root.OpenFolder("/sys/bus/pci/devices/0000:00:09.0");

        // Assert
        Assert.Null(folder.ReadAttribute("vendor"));
        Assert.Null(folder.ReadLinkName("driver"));
        Assert.False(folder.Exists("reset"));
    }

    [Fact]
    public void A_recording_root_records_what_a_folder_reads_as_it_records_reads_by_path()
    {
        // Arrange
        File("/sys/devices/x/vendor", "0x8086\n");
        Link("/sys/devices/x/driver", "../../bus/pci/drivers/ahci");
        Link("/sys/bus/pci/devices/x", "../../../devices/x");
        var log = new HostAccessLog();
        var root = new HostRoot(_dir, log);

        // Act
        using (var folder = root.OpenFolder("/sys/bus/pci/devices/x"))
        {
            Assert.Equal("0x8086", folder.ReadAttribute("vendor"));
            Assert.Equal("ahci", folder.ReadLinkName("driver"));
            Assert.False(folder.Exists("nothing"));
        }

        // Assert
        var entries = log.Entries.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal("0x8086\n", System.Text.Encoding.UTF8.GetString(entries["/sys/devices/x/vendor"].Content!));
        Assert.Equal("../../bus/pci/drivers/ahci", entries["/sys/devices/x/driver"].LinkTarget);
        Assert.DoesNotContain("/sys/devices/x/nothing", entries.Keys);
    }

    [Property(MaxTest = 500)]
    public Property Normalize_is_the_lexical_normal_form_of_any_path()
    {
        var parts = Gen.Elements(string.Empty, ".", "..", "a", "bc", "sys", "0000:00:01.0");
        var paths = Gen.ListOf(parts).Select(p => (p.Count > 0 && p[0] == "a" ? string.Empty : "/") + string.Join('/', p));
        return Prop.ForAll(paths.ToArbitrary(), path =>
        {
            // The reference: split, drop empty and ".", let ".." pop (never above the root), join.
            var stack = new List<string>();
            foreach (var p in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (p == "..")
                {
                    if (stack.Count > 0)
                    {
                        stack.RemoveAt(stack.Count - 1);
                    }
                }
                else if (p != ".")
                {
                    stack.Add(p);
                }
            }

            return HostRoot.Normalize(path) == "/" + string.Join('/', stack);
        });
    }

    [Fact]
    public void An_opened_file_reads_the_files_bytes_and_a_missing_file_is_null_on_the_running_system_and_under_a_root()
    {
        // Arrange
        File("/usr/share/misc/pci.ids", "8086  Intel Corporation\n");
        Directory.CreateDirectory(_dir + "/usr/share/hwdata/pci.ids"); // a folder where the file belongs
        var system = new HostRoot("/");
        var tree = new HostRoot(_dir);
        var log = new HostAccessLog();
        var recording = new HostRoot(_dir, log);

        // Act + Assert: the running system's root reads the real path, a root reads below itself
        Assert.Equal("8086  Intel Corporation\n"u8.ToArray(), Whole(system.OpenFile(_dir + "/usr/share/misc/pci.ids", 1 << 20)));
        Assert.Null(system.OpenFile(_dir + "/usr/share/pci.ids", 1 << 20));
        Assert.Equal("8086  Intel Corporation\n"u8.ToArray(), Whole(tree.OpenFile("/usr/share/misc/pci.ids", 1 << 20)));
        Assert.Null(tree.OpenFile("/usr/share/pci.ids", 1 << 20));
        Assert.Null(tree.OpenFile("/usr/share/hwdata/pci.ids", 1 << 20));
        Assert.Equal("8086"u8.ToArray(), Whole(tree.OpenFile("/usr/share/misc/pci.ids", 4))); // cut as ReadBytes cuts
        Assert.Equal("Intel"u8.ToArray(), Part(tree.OpenFile("/usr/share/misc/pci.ids", 1 << 20)!, 6, 5));
        Assert.Empty(Part(tree.OpenFile("/usr/share/misc/pci.ids", 1 << 20)!, 100, 5)); // past the end
        Assert.Equal("8086  Intel Corporation\n"u8.ToArray(), Whole(recording.OpenFile("/usr/share/misc/pci.ids", 1 << 20)));
        Assert.Contains(log.Entries, e => e.Key == "/usr/share/misc/pci.ids"); // a snapshot keeps what it read

        static byte[] Whole(HostFile? file) => Part(file!, 0, (int)file!.Length);

        static byte[] Part(HostFile file, long offset, int count)
        {
            var buffer = new byte[count];
            return buffer[..file.Read(offset, buffer)];
        }
    }

    [Fact]
    public void On_the_running_system_a_folder_knows_its_place_behind_every_link_as_the_kernel_resolves_it()
    {
        // Arrange: sysfs-style links read through the real root ("/"), where Canonicalize leaves links to the kernel.
        File("/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/vendor", "0x10de\n");
        Link("/sys/bus/pci/devices/0000:01:00.0", "../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0");
        var system = new HostRoot("/");

        // Act
        using var folder = system.OpenFolder(_dir + "/sys/bus/pci/devices/0000:01:00.0");

        // Assert: the resolved path, which names the bridge above the device
        Assert.Equal(_dir + "/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0", folder.Canonical);
        Assert.Equal("0x10de", folder.ReadAttribute("vendor"));
    }
}
