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

    [Fact]
    public void A_file_read_in_pieces_names_the_same_as_one_read_whole_wherever_the_pieces_end()
    {
        // Arrange: a file of more than one buffer (64 KiB) whose lines straddle every piece boundary, read by a source
        // that returns at most 1000 bytes a call (as a short pread may).
        var text = new System.Text.StringBuilder();
        for (var vendor = 0x1000; vendor < 0x1400; vendor++)
        {
            text.Append($"{vendor:x4}  Vendor {vendor:x4}\r\n");
            for (var device = 0; device < 8; device++)
            {
                text.Append($"\t{device:x4}  Device {vendor:x4}:{device:x4} of a long name that spans bytes\n");
                text.Append($"\t\t{vendor:x4} {device + 0x100:x4}  Subsystem {vendor:x4}:{device:x4}\n");
            }
        }

        text.Append("C 00  Unclassified device\n");
        var bytes = System.Text.Encoding.UTF8.GetBytes(text.ToString());
        Assert.True(bytes.Length > 3 * 65536);
        var whole = new IdsDatabase(text.ToString(), null);
        var pieces = new IdsDatabase(new ShortReads(bytes, 1000), null);

        // Act + Assert
        foreach (var vendor in new ushort[] { 0x1000, 0x1001, 0x10ff, 0x1200, 0x13ff })
        {
            Assert.Equal($"Vendor {vendor:x4}", pieces.PciVendor(vendor));
            Assert.Equal(whole.PciVendor(vendor), pieces.PciVendor(vendor));
            for (ushort device = 0; device < 8; device++)
            {
                Assert.Equal($"Device {vendor:x4}:{device:x4} of a long name that spans bytes", pieces.PciDevice(vendor, device));
                Assert.Equal($"Subsystem {vendor:x4}:{device:x4}", pieces.PciSubsystem(vendor, device, vendor, (ushort)(device + 0x100)));
                Assert.Null(pieces.PciSubsystem(vendor, device, vendor, 0x200));
                if (device < 7)
                {
                    Assert.Null(pieces.PciSubsystem(vendor, device, vendor, (ushort)(device + 0x101))); // the next device's
                }
            }
        }

        Assert.Null(pieces.PciVendor(0x1400));
    }

    [Fact]
    public void A_line_longer_than_the_read_buffer_is_skipped_whole_and_the_lines_after_it_count()
    {
        // Arrange: a 100,000-byte line inside a vendor's block and one between two vendors (no ids line is that long;
        // cut into pieces, a piece would read as a vendor line and end the block before the devices after it).
        var junk = new string('x', 100_000);
        var text = $"10de  NVIDIA Corporation\n\t2504  GA106\n\t{junk}\n\t2505  GA106 second\n\t\t1462 397d  VENTUS\n{junk}\n1002  AMD\n\t73df  Navi 22\n";
        var db = new IdsDatabase(IdsText.FromBytes(System.Text.Encoding.UTF8.GetBytes(text)), null);

        // Act + Assert
        Assert.Equal("GA106", db.PciDevice(0x10de, 0x2504));
        Assert.Equal("GA106 second", db.PciDevice(0x10de, 0x2505));
        Assert.Equal("VENTUS", db.PciSubsystem(0x10de, 0x2505, 0x1462, 0x397d));
        Assert.Equal("AMD", db.PciVendor(0x1002));
        Assert.Equal("Navi 22", db.PciDevice(0x1002, 0x73df));
    }

    [Fact]
    public void A_last_line_without_a_line_end_still_counts()
    {
        // Arrange
        var db = new IdsDatabase("10de  NVIDIA Corporation\n\t2504  GA106\n\t\t1462 397d  VENTUS", null);

        // Act + Assert
        Assert.Equal("GA106", db.PciDevice(0x10de, 0x2504));
        Assert.Equal("VENTUS", db.PciSubsystem(0x10de, 0x2504, 0x1462, 0x397d));
    }

    private sealed class ShortReads(byte[] bytes, int most) : IdsText
    {
        public override long Length => bytes.Length;

        public override int Read(long offset, Span<byte> into)
        {
            var count = (int)Math.Min(Math.Min(most, into.Length), Math.Max(0, bytes.Length - offset));
            bytes.AsSpan((int)offset, count).CopyTo(into);
            return count;
        }
    }
}
