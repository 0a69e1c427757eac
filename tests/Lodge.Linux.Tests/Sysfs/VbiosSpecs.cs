using Lodge.Linux.Simulation;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

public sealed class VbiosSpecs
{
    [Fact]
    public void I_can_read_an_nvidia_cards_video_bios_version_from_the_drivers_proc_file()
    {
        // Arrange: the real H100 capture (driver nvidia) plus the file the nvidia driver writes
        using var tree = new TreeCopy(RepoPaths.Host("real-h100-vm"));
        var info = Path.Combine(tree.Root, "proc/driver/nvidia/gpus/0000:00:06.0/information");
        Directory.CreateDirectory(Path.GetDirectoryName(info)!);
        File.WriteAllText(info, "Model: \t\t NVIDIA H100 80GB HBM3\nIRQ:   \t\t 30\nVideo BIOS: \t 96.00.99.00.01\nBus Type: \t PCIe\n");

        // Act
        var gpu = new SysfsScanner(new HostRoot(tree.Root)).Scan().PciDevices.Single(d => d.Driver == "nvidia");

        // Assert
        Assert.Equal("96.00.99.00.01", gpu.VbiosVersion);
    }
}
