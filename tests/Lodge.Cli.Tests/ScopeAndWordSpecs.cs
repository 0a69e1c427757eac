using Lodge.App.Host;
using Lodge.Cli.Json;
using Lodge.Core.Machines;
using Lodge.Core.Reports;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

// Issue 11: a command reads only what it shows, and shows the same as before; one TOML word per enum value.
public sealed class ScopeAndWordSpecs
{
    public static TheoryData<string> Fixtures() => [.. RepoPaths.HostFixtures];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void I_can_list_devices_as_json_from_the_devices_scope_and_get_exactly_what_the_full_scan_gives(string fixture)
    {
        // Arrange
        var root = RepoPaths.Host(fixture);
        var (fullHost, fullAssessments) = HostLoader.Load(root);

        // Act
        var cli = CliRun.Run("devices", "--json", "--root", root);

        // Assert
        Assert.Equal(0, cli.ExitCode);
        Assert.Equal(DevicesJson.Write(fullHost, fullAssessments), cli.Out);
    }

    [Fact]
    public void I_can_read_the_devices_scope_and_it_skips_the_cpu_the_platform_the_desktop_and_the_programs()
    {
        // Act
        var (host, _) = HostLoader.Load(RepoPaths.Host("EADE3920D9"), scope: ScanScope.Devices);
        var (full, _) = HostLoader.Load(RepoPaths.Host("EADE3920D9"));

        // Assert
        Assert.NotEmpty(host.PciDevices);
        Assert.Null(host.Cpu.ModelName);
        Assert.Empty(host.Firmware);
        Assert.NotNull(full.Cpu.ModelName);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_scan_without_the_capabilities_differs_from_the_full_one_only_in_what_configuration_space_alone_says(string fixture)
    {
        // Act
        var (lean, _) = HostLoader.Load(RepoPaths.Host(fixture), scope: ScanScope.Everything & ~ScanScope.PciCapabilities);
        var (full, _) = HostLoader.Load(RepoPaths.Host(fixture));

        // Assert: the same devices, ids, names, classes, drivers and groups; no capability is claimed; a ROM is known
        // only from the rom file (the ROM BAR is in the part not read).
        Assert.Equal(full.PciDevices.Count, lean.PciDevices.Count);
        foreach (var (f, l) in full.PciDevices.Zip(lean.PciDevices))
        {
            Assert.Null(l.Config);
            Assert.Equal(Scalars(f), Scalars(l));
            Assert.Equal(f.ParentBridges, l.ParentBridges);
            Assert.Equal(f.MdevTypes, l.MdevTypes);
            Assert.Equal(f.ResetMethods, l.ResetMethods);
            Assert.True(l.HasRom is null || l.HasRom == f.HasRom);
        }

        Assert.Equal(full.IommuGroups.Count, lean.IommuGroups.Count);

        // Every field but the lists and what configuration space tells (compared above).
        static Lodge.Core.Hardware.PciDevice Scalars(Lodge.Core.Hardware.PciDevice d) =>
            d with { Config = null, HasRom = null, ParentBridges = [], MdevTypes = [], ResetMethods = null };
    }

    [Theory]
    [InlineData("os = \"linux\"\n", false)]
    [InlineData("os = \"linux\"\n[gpu]\nmode = \"gvt-g\"\n", true)]
    [InlineData("os = \"windows\"\n[gpu]\ndevice = \"10de:2504\"\n", true)]
    [InlineData("os = \"linux\"\n[[usb]]\ncontroller = \"0000:00:14.0\"\n", true)]
    [InlineData("os = \"linux\"\n[[usb]]\ndevice = \"046d:c52b\"\n", false)]
    public void Only_a_guest_that_takes_a_gpu_or_a_usb_controller_takes_host_pci_devices(string toml, bool takes)
    {
        // Act
        var parsed = MachineParser.Parse(toml, "/m.toml", "m");

        // Assert
        Assert.Equal(takes, parsed.Machine.TakesHostPciDevices);
    }

    [Fact]
    public void I_can_record_an_outcome_of_a_gvt_g_machine_and_the_report_says_gvt_g()
    {
        // Arrange
        var parsed = MachineParser.Parse("os = \"linux\"\n[gpu]\nmode = \"gvt-g\"\n", "/m.toml", "m");
        var (host, _) = HostLoader.Load(RepoPaths.Host("EADE3920D9"));

        // Act
        var report = ReportFactory.Create(host, parsed.Machine, null, new ReportResult(true, true, null, null, null), new DateTimeOffset(2026, 11, 27, 10, 30, 0, TimeSpan.Zero));

        // Assert
        Assert.Equal(GpuMode.GvtG, parsed.Machine.Gpu!.Mode);
        Assert.Equal("gvt-g", report.Guest.Features["gpu-mode"]);
        Assert.Equal("gvt-g", GpuMode.GvtG.Word());
        Assert.All(Enum.GetValues<GpuMode>(), m => Assert.Equal(m, (GpuMode)Array.IndexOf(MachineParser.GpuModeNames, m.Word())));
        Assert.All(Enum.GetValues<ShareProtocol>(), p => Assert.Equal(p, TomlWords.ParseShareProtocol(p.Word())));
    }
}
