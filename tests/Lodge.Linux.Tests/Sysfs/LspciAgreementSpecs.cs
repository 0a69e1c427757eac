using System.Diagnostics;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

/// <summary>lspci reading the same tree is a free second opinion on ids, class, driver and IOMMU group.</summary>
public sealed class LspciAgreementSpecs
{
    public static TheoryData<string> Fixtures() => new(RepoPaths.HostFixtures);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_scanner_agrees_with_lspci_on_every_device(string fixture)
    {
        // Arrange
        var tree = RepoPaths.Host(fixture);
        var lspci = RunLspci(tree);
        var host = new SysfsScanner(new HostRoot(tree)).Scan();

        // Assert
        Assert.Equal(lspci.Keys.Order(), host.PciDevices.Select(d => d.Address.ToString()).Order());
        foreach (var d in host.PciDevices)
        {
            var l = lspci[d.Address.ToString()];
            var where = $"{fixture} {d.Address}";
            Assert.True(l["Vendor"].EndsWith($"[{d.VendorId:x4}]", StringComparison.Ordinal), $"{where}: vendor {l["Vendor"]} vs {d.VendorId:x4}");
            Assert.True(l["Device"].EndsWith($"[{d.DeviceId:x4}]", StringComparison.Ordinal), $"{where}: device {l["Device"]} vs {d.DeviceId:x4}");
            var lclass = l["Class"][^5..^1] + (l.TryGetValue("ProgIf", out var p) ? p : "00");
            Assert.Equal($"0x{lclass}", d.Class.ToString());
            Assert.Equal(l.GetValueOrDefault("Driver"), d.Driver);
            Assert.Equal(l.TryGetValue("IOMMUGroup", out var g) ? int.Parse(g) : null, d.IommuGroup);
            if (l.TryGetValue("SVendor", out var sv))
            {
                Assert.True(sv.EndsWith($"[{d.SubsystemVendorId:x4}]", StringComparison.Ordinal), $"{where}: subsystem vendor {sv} vs {d.SubsystemVendorId:x4}");
            }
        }
    }

    private static Dictionary<string, Dictionary<string, string>> RunLspci(string tree)
    {
        var psi = new ProcessStartInfo("lspci") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-A", "linux-sysfs", "-O", $"sysfs.path={tree}/sys/bus/pci", "-nnk", "-vmm", "-D" })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("lspci did not start; the test command installs pciutils.");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var result = new Dictionary<string, Dictionary<string, string>>();
        foreach (var block in output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = new Dictionary<string, string>();
            foreach (var line in block.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var tab = line.IndexOf(":\t", StringComparison.Ordinal);
                if (tab > 0)
                {
                    fields[line[..tab]] = line[(tab + 2)..];
                }
            }

            if (fields.TryGetValue("Slot", out var slot))
            {
                result[slot] = fields;
            }
        }

        return result;
    }
}
