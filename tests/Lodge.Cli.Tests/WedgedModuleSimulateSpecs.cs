using System.Text.Json;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

// Issue 13: 'lodge gpu handoff NAME --simulate --hang-at N' on a module unload: the simulated 'modprobe -r' never returns
// (its exit holds the module and the GPU, as the kernel's does); the run names the module as wedged and does not call
// the host restored.
public sealed class WedgedModuleSimulateSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-wedged-module-").FullName;

    public WedgedModuleSimulateSpecs() =>
        File.WriteAllText(Path.Combine(_dir, "win.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\nunload_amdgpu = true\n");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void I_can_hang_the_unload_of_amdgpu_and_see_it_wedged_and_the_host_not_restored()
    {
        // Arrange: find the step from the plan itself.
        var plain = CliRun.Run(["gpu", "handoff", "win", "--root", RepoPaths.Host("EADE3920D9"), "--config-dir", _dir, "--simulate"]);
        using var planned = JsonDocument.Parse(plain.Out);
        var step = planned.RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "unload amdgpu").GetProperty("index").GetInt32();

        // Act
        var result = CliRun.Run(["gpu", "handoff", "win", "--root", RepoPaths.Host("EADE3920D9"), "--config-dir", _dir, "--simulate", "--hang-at", step.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        // Assert
        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(3, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var steps = json.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal("timed-out", steps.Single(s => s.GetProperty("index").GetInt32() == step).GetProperty("outcome").GetString());
        Assert.False(json.RootElement.GetProperty("restored").GetBoolean());
        var diff = json.RootElement.GetProperty("diff").EnumerateArray().Select(d => d.GetString()).ToList();
        Assert.Contains("'amdgpu' is wedged: a kernel write to it never returned, and only a reboot frees it.", diff);
    }
}
