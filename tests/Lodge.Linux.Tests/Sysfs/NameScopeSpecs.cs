using Lodge.Linux.Sysfs;

namespace Lodge.Linux.Tests.Sysfs;

// Issue 16: a guest that takes no host PCI device is planned without names, so its start does not read pci.ids.
public sealed class NameScopeSpecs
{
    [Theory]
    [InlineData("GH-J4nsen-X79")]
    [InlineData("real-virtio-vm")]
    public void A_scan_without_names_differs_from_the_full_one_only_in_the_names_and_never_opens_pci_ids(string fixture)
    {
        // Arrange: a captured host with this machine's pci.ids (the test command installs it)
        using var tree = HostFixtures.Unpack(fixture);
        var ids = new[] { "/usr/share/hwdata/pci.ids", "/usr/share/misc/pci.ids", "/usr/share/pci.ids" }.First(File.Exists);
        tree.Bytes("/usr/share/misc/pci.ids", File.ReadAllBytes(ids));
        var scope = ScanScope.Everything & ~ScanScope.PciCapabilities;
        var leanLog = new HostAccessLog();
        var fullLog = new HostAccessLog();

        // Act
        var lean = new SysfsScanner(new HostRoot(tree.Root, leanLog)).Scan(scope & ~ScanScope.Names);
        var full = new SysfsScanner(new HostRoot(tree.Root, fullLog)).Scan(scope);

        // Assert: the same devices and facts; the full scan names them, the lean one names none and read no ids file
        Assert.Equal(full.PciDevices.Count, lean.PciDevices.Count);
        Assert.Contains(full.PciDevices, d => d.VendorName is not null && d.DeviceName is not null);
        Assert.All(lean.PciDevices, d => Assert.True(d.VendorName is null && d.DeviceName is null && d.SubsystemName is null));
        foreach (var (f, l) in full.PciDevices.Zip(lean.PciDevices))
        {
            Assert.Equal(f with { VendorName = null, DeviceName = null, SubsystemName = null, ParentBridges = [], MdevTypes = [], ResetMethods = null }, l with { ParentBridges = [], MdevTypes = [], ResetMethods = null });
            Assert.Equal(f.ParentBridges, l.ParentBridges);
            Assert.Equal(f.ResetMethods, l.ResetMethods);
        }

        Assert.Contains(fullLog.Entries, e => e.Key.EndsWith("/pci.ids", StringComparison.Ordinal));
        Assert.DoesNotContain(leanLog.Entries, e => e.Key.EndsWith(".ids", StringComparison.Ordinal));
    }
}
