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

    [Fact]
    public void Every_name_in_the_real_pci_ids_is_the_one_an_independent_reading_of_the_file_gives()
    {
        // Arrange: an oracle that shares no code with IdsDatabase: the file read line by line into dictionaries, the first
        // listing of a vendor, of a device within it and of a subsystem below a device winning, as lspci does.
        var path = new[] { "/usr/share/hwdata/pci.ids", "/usr/share/misc/pci.ids", "/usr/share/pci.ids" }.First(File.Exists);
        var vendors = new Dictionary<ushort, string>();
        var devices = new Dictionary<(ushort, ushort), string>();
        var subsystems = new Dictionary<(ushort, ushort, ushort, ushort), string>();
        ushort vendor = 0, device = 0;
        var inFirstListing = false;
        foreach (var line in File.ReadLines(path).TakeWhile(l => !l.StartsWith("C ", StringComparison.Ordinal)))
        {
            if (line.Length > 6 && line[0] != '\t' && line[0] != '#')
            {
                vendor = Convert.ToUInt16(line[..4], 16);
                inFirstListing = vendors.TryAdd(vendor, line[4..].Trim());
            }
            else if (inFirstListing && line.Length > 7 && line[0] == '\t' && line[1] != '\t')
            {
                device = Convert.ToUInt16(line[1..5], 16);
                devices.TryAdd((vendor, device), line[5..].Trim());
            }
            else if (inFirstListing && line.Length > 12 && line.StartsWith("\t\t", StringComparison.Ordinal))
            {
                subsystems.TryAdd((vendor, device, Convert.ToUInt16(line[2..6], 16), Convert.ToUInt16(line[7..11], 16)), line[11..].Trim());
            }
        }

        var opened = IdsFiles.Load(new HostRoot("/"));
        Assert.True(subsystems.Count > 10000);

        // Act + Assert: every vendor, device and subsystem of the file, and ids that are not in it
        Assert.All(vendors, v => Assert.Equal(v.Value, opened.PciVendor(v.Key)));
        Assert.All(devices, d => Assert.Equal(d.Value, opened.PciDevice(d.Key.Item1, d.Key.Item2)));
        Assert.All(subsystems, s => Assert.Equal(s.Value, opened.PciSubsystem(s.Key.Item1, s.Key.Item2, s.Key.Item3, s.Key.Item4)));
        var absentVendor = Enumerable.Range(0, 0x10000).Select(i => (ushort)i).First(i => !vendors.ContainsKey(i));
        Assert.Null(opened.PciVendor(absentVendor));
        Assert.Null(opened.PciDevice(absentVendor, 0x0001));
        var absentDevice = Enumerable.Range(0, 0x10000).Select(i => (ushort)i).First(i => !devices.ContainsKey((0x8086, i)));
        Assert.Null(opened.PciDevice(0x8086, absentDevice));
        Assert.Null(opened.PciSubsystem(0x8086, absentDevice, 0x8086, 0x0000));
    }
}
