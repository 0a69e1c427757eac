using Lodge.Core.Hardware;

namespace Lodge.Core.Tests.Hardware;

public sealed class IdsDatabaseSpecs
{
    private const string PciIds = "# comment\n10de  NVIDIA Corporation\n\t2504  GA106 [GeForce RTX 3060 Lite Hash Rate]\n\t\t1462 397d  RTX 3060 VENTUS 2X 12G OC\n\t228e  GA106 High Definition Audio Controller\n1002  Advanced Micro Devices, Inc. [AMD/ATI]\n\t73df  Navi 22\nC 00  Unclassified device\n\t00  Non-VGA unclassified device\n";

    [Fact]
    public void I_can_look_up_vendor_device_and_subsystem_names()
    {
        // Arrange
        var db = new IdsDatabase(PciIds, null);

        // Act + Assert
        Assert.Equal("NVIDIA Corporation", db.PciVendor(0x10de));
        Assert.Equal("GA106 [GeForce RTX 3060 Lite Hash Rate]", db.PciDevice(0x10de, 0x2504));
        Assert.Equal("RTX 3060 VENTUS 2X 12G OC", db.PciSubsystem(0x10de, 0x2504, 0x1462, 0x397d));
        Assert.Equal("Navi 22", db.PciDevice(0x1002, 0x73df));
        Assert.Null(db.PciDevice(0x1002, 0x0001));
        Assert.Null(db.PciVendor(0x8086));
        Assert.Null(db.UsbVendor(0x046d));
    }

    [Fact]
    public void The_real_pci_ids_of_this_machine_names_a_common_device_when_it_is_installed()
    {
        // Arrange
        var path = new[] { "/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids" }.FirstOrDefault(File.Exists);
        Assert.NotNull(path); // the test command installs pci.ids

        // Act
        var db = new IdsDatabase(File.ReadAllText(path), null);

        // Assert
        Assert.StartsWith("Intel", db.PciVendor(0x8086));
        Assert.NotNull(db.PciDevice(0x1af4, 0x1041)); // virtio network device
    }

    [Fact]
    public void Subsystems_are_found_below_their_device_however_the_block_is_laid_out()
    {
        // Arrange: CRLF line ends, a comment inside a block, a device listed twice (the lines below each listing count,
        // the first listing first), a subsystem line below a malformed device line (it belongs to no device), and a
        // subsystem named under another device of the same vendor.
        const string ids = "10de  NVIDIA Corporation\r\n\t2504  GA106\r\n# a comment\r\n\t\t1462 397d  VENTUS\r\n\t\t1043 87f3  TUF\r\n"
            + "\t228e  GA106 Audio\r\n\t\t1462 397d  VENTUS audio\r\n\tzzzz  broken\r\n\t\t1111 2222  orphan\r\n"
            + "\t2504  GA106 again\r\n\t\t1043 87f3  TUF second\r\n\t\t3842 3000  EVGA\r\n";
        var db = new IdsDatabase(ids, null);

        // Act + Assert
        Assert.Equal("GA106", db.PciDevice(0x10de, 0x2504));
        Assert.Equal("VENTUS", db.PciSubsystem(0x10de, 0x2504, 0x1462, 0x397d));
        Assert.Equal("TUF", db.PciSubsystem(0x10de, 0x2504, 0x1043, 0x87f3));
        Assert.Equal("EVGA", db.PciSubsystem(0x10de, 0x2504, 0x3842, 0x3000));
        Assert.Equal("VENTUS audio", db.PciSubsystem(0x10de, 0x228e, 0x1462, 0x397d));
        Assert.Null(db.PciSubsystem(0x10de, 0x228e, 0x1043, 0x87f3));
        Assert.Null(db.PciSubsystem(0x10de, 0x228e, 0x1111, 0x2222));
        Assert.Null(db.PciSubsystem(0x10de, 0x9999, 0x1462, 0x397d));
    }
}
