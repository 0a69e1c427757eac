using Lodge.Core.Hardware;
using Lodge.Linux.Sysfs;

namespace Lodge.Linux.Tests.Sysfs;

/// <summary>Facts checked by hand against the real captures (cat, ls and readlink on the unpacked trees).</summary>
public class CapturedHostSpecs
{
    [Fact]
    public void I_can_read_the_CPU_topology_of_the_H100_VM()
    {
        // Arrange
        using var tree = HostFixtures.Unpack("real-h100-vm");

        // Act
        var topology = new SysfsScanner(tree.Host).Scan().Topology;

        // Assert: online is "0-15"; every vCPU is its own core (thread_siblings_list = itself); index3 shares 0-15.
        Assert.Equal(Enumerable.Range(0, 16), topology.Cpus.Select(c => c.Id));
        Assert.All(topology.Cpus, c =>
        {
            Assert.Equal(0, c.Package);
            Assert.Equal(0, c.Die);
            Assert.Equal(c.Id, c.Core);
            Assert.Equal([c.Id], c.ThreadSiblings);
            Assert.Null(c.CoreType);
        });
        Assert.Equal(16, topology.Cores);
        Assert.Equal(1, topology.Packages);
        Assert.Equal([Enumerable.Range(0, 16).ToList()], topology.L3Domains);
        Assert.False(topology.IsHybrid);
    }

    [Fact]
    public void I_can_read_the_memory_and_both_hugepage_pools_of_the_H100_VM()
    {
        // Arrange
        using var tree = HostFixtures.Unpack("real-h100-vm");

        // Act
        var memory = new SysfsScanner(tree.Host).Scan().Memory;

        // Assert
        Assert.Equal(131981020, memory.TotalKiB);
        Assert.Equal(131466692, memory.AvailableKiB);
        Assert.Equal(2048, memory.DefaultHugePageKiB);
        Assert.Equal([new HugePagePool(2048, 0, 0), new HugePagePool(1048576, 0, 0)], memory.HugePages);
    }

    [Fact]
    public void I_can_read_the_virtio_VM_whose_CPUs_report_no_caches()
    {
        // Arrange
        using var tree = HostFixtures.Unpack("real-virtio-vm");

        // Act
        var snapshot = new SysfsScanner(tree.Host).Scan();

        // Assert: online is "0-1" and the capture has no cpuN/cache directories at all.
        Assert.Equal([0, 1], snapshot.Topology.Cpus.Select(c => c.Id));
        Assert.All(snapshot.Topology.Cpus, c => Assert.Null(c.L3SharedWith));
        Assert.Empty(snapshot.Topology.L3Domains);
        Assert.Equal(24683620, snapshot.Memory.TotalKiB);
        Assert.Equal(24333324, snapshot.Memory.AvailableKiB);
        Assert.Equal([new HugePagePool(2048, 0, 0)], snapshot.Memory.HugePages);
    }

    [Theory]
    [InlineData("real-h100-vm")]
    [InlineData("real-virtio-vm")]
    public void I_can_read_what_a_cloud_VM_capture_has_and_get_unknowns_for_what_it_lacks(string id)
    {
        // Arrange
        using var tree = HostFixtures.Unpack(id);

        // Act
        var snapshot = new SysfsScanner(tree.Host).Scan();

        // Assert: /proc/bus/input/devices is empty; vtcon0 links into /sys/devices/virtual, which was not captured;
        // no framebuffer driver, no /sys/bus/usb, no /etc, /usr or /sys/firmware.
        Assert.Empty(snapshot.InputDevices);
        Assert.Equal([new VtConsole("vtcon0", null, null)], snapshot.Display.VtConsoles);
        Assert.Empty(snapshot.Display.Framebuffers);
        Assert.Null(snapshot.Display.DisplayManager);
        Assert.Empty(snapshot.UsbControllers);
        Assert.Equal(new HostTools { Known = false }, snapshot.Tools); // the captures hold no /usr
        Assert.Empty(snapshot.Firmware);
        Assert.Equal(Bootloader.Unknown, snapshot.Boot.Bootloader);
        Assert.Null(snapshot.Boot.OsId);
        Assert.Null(snapshot.Boot.Efi);
    }
}
