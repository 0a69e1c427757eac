using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>Every captured host gives the same `lodge devices --json` and `lodge doctor` output as its golden files.</summary>
public sealed class HostFixtureSpecs
{
    private static readonly string GoldenDir = Path.Combine(RepoPaths.Root, "tests", "Lodge.Cli.Tests", "Golden", "hosts");

    public static TheoryData<string> Fixtures() => new(RepoPaths.HostFixtures);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void I_can_list_the_devices_of_a_captured_host_as_json(string fixture)
    {
        // Act
        var result = CliRun.Run("devices", "--json", "--root", RepoPaths.Host(fixture));

        // Assert
        Assert.Equal("", result.Error);
        Assert.Equal(0, result.ExitCode);
        Golden.Match(Path.Combine(GoldenDir, $"{fixture}.devices.json"), result.Out);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void I_can_read_the_doctors_report_for_a_captured_host(string fixture)
    {
        // Act
        var result = CliRun.Run("doctor", "--root", RepoPaths.Host(fixture));

        // Assert
        Assert.Equal("", result.Error);
        Assert.InRange(result.ExitCode, 0, 2);
        Golden.Match(Path.Combine(GoldenDir, $"{fixture}.doctor.txt"), $"exit code: {result.ExitCode}\n{result.Console}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void I_can_list_the_devices_of_a_captured_host_as_a_table(string fixture)
    {
        // Act
        var result = CliRun.Run("devices", "--root", RepoPaths.Host(fixture));

        // Assert
        Assert.Equal(0, result.ExitCode);
        Golden.Match(Path.Combine(GoldenDir, $"{fixture}.devices.txt"), result.Console);
    }
}
