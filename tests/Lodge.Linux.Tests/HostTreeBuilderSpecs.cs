using Lodge.Testing;

namespace Lodge.Linux.Tests;

public class HostTreeBuilderSpecs
{
    [Fact]
    public void I_can_build_a_tree_of_files_links_and_directories_and_read_it_through_a_host_root()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/sys/devices/pci0000:00/0000:01:00.0/vendor", "0x10de\n")
            .Link("/sys/bus/pci/devices/0000:01:00.0", "../../../devices/pci0000:00/0000:01:00.0")
            .Dir("/sys/kernel/iommu_groups");

        // Act
        var root = tree.Host;

        // Assert
        Assert.Equal("0x10de", root.ReadAttribute("/sys/bus/pci/devices/0000:01:00.0/vendor"));
        Assert.Equal("../../../devices/pci0000:00/0000:01:00.0", root.ReadLink("/sys/bus/pci/devices/0000:01:00.0"));
        Assert.True(root.DirectoryExists("/sys/kernel/iommu_groups"));
    }

    [Fact]
    public void I_can_write_a_path_that_climbs_with_dot_dot_and_stay_inside_the_tree()
    {
        // Arrange
        using var tree = new HostTreeBuilder();

        // Act
        tree.File("/../../escape.txt", "x");

        // Assert
        Assert.True(File.Exists(Path.Combine(tree.Root, "escape.txt")));
    }

    [Fact]
    public void I_can_try_to_write_a_relative_path_and_get_an_error()
    {
        // Arrange
        using var tree = new HostTreeBuilder();

        // Act
        var error = Assert.Throws<ArgumentException>(() => tree.File("relative/path", "x"));

        // Assert
        Assert.Contains("'relative/path'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_dispose_a_tree_and_keep_the_targets_of_its_links()
    {
        // Arrange
        using var outside = new HostTreeBuilder().File("/keep/me", "still here");
        var tree = new HostTreeBuilder().Link("/link-to-outside", Path.Combine(outside.Root, "keep")).Dir("/ro");
        File.SetUnixFileMode(tree.RealPath("/ro"), UnixFileMode.UserRead | UnixFileMode.UserExecute);

        // Act
        tree.Dispose();

        // Assert
        Assert.False(Directory.Exists(tree.Root));
        Assert.Equal("still here", File.ReadAllText(outside.RealPath("/keep/me")));
    }

    [Fact]
    public void I_can_unpack_a_captured_host_with_its_symlinks()
    {
        // Arrange
        using var tree = HostFixtures.Unpack("real-virtio-vm");

        // Act
        var driver = tree.Host.ReadLinkName("/sys/bus/pci/devices/0000:00:03.0/driver");

        // Assert
        Assert.Equal("virtio-pci", driver);
        Assert.True(File.Exists(tree.RealPath("/FIXTURE.json")));
    }
}
