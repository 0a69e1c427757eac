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
