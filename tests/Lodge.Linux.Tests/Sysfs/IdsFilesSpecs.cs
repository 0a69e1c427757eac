using Lodge.Core.Hardware;
using Lodge.Linux.Sysfs;

namespace Lodge.Linux.Tests.Sysfs;

public sealed class IdsFilesSpecs
{
    [Fact]
    public void The_real_pci_ids_read_by_position_names_every_device_as_the_whole_text_does()
    {
        // Arrange: this machine's pci.ids (the test command installs it), read by position through the running system's
        // root, against the same file read whole as text.
        var path = new[] { "/usr/share/hwdata/pci.ids", "/usr/share/misc/pci.ids", "/usr/share/pci.ids" }.First(File.Exists);
        var opened = IdsFiles.Load(new HostRoot("/"));
        var whole = new IdsDatabase(File.ReadAllText(path), null);
        var ids = new List<(ushort Vendor, ushort Device, ushort SubVendor, ushort SubDevice)>();
        ushort vendor = 0, device = 0;
        foreach (var line in File.ReadLines(path).TakeWhile(l => !l.StartsWith("C ", StringComparison.Ordinal)))
        {
            if (line.Length > 6 && line[0] != '\t' && line[0] != '#')
            {
                vendor = Convert.ToUInt16(line[..4], 16);
            }
            else if (line.Length > 7 && line[0] == '\t' && line[1] != '\t')
            {
                device = Convert.ToUInt16(line[1..5], 16);
                ids.Add((vendor, device, 0, 0));
            }
            else if (line.Length > 12 && line.StartsWith("\t\t", StringComparison.Ordinal))
            {
                ids.Add((vendor, device, Convert.ToUInt16(line[2..6], 16), Convert.ToUInt16(line[7..11], 16)));
            }
        }

        Assert.True(ids.Count > 10000);

        // Act + Assert: every 7th entry of the file (all vendors are reached), and the ones a test host has
        foreach (var (v, d, sv, sd) in ids.Where((_, i) => i % 7 == 0))
        {
            Assert.Equal(whole.PciVendor(v), opened.PciVendor(v));
            Assert.Equal(whole.PciDevice(v, d), opened.PciDevice(v, d));
            Assert.Equal(whole.PciSubsystem(v, d, sv, sd), opened.PciSubsystem(v, d, sv, sd));
        }

        Assert.StartsWith("Intel", opened.PciVendor(0x8086));
        Assert.NotNull(opened.PciDevice(0x1af4, 0x1041));
    }
}
