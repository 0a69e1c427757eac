using System.Text.Json;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

// lodge gpu handoff NAME --dry-run | --simulate [--fail-at|--hang-at|--crash-at], and lodge rescue.
public sealed class GpuHandoffCommandSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-handoff-cli-").FullName;

    public GpuHandoffCommandSpecs() =>
        File.WriteAllText(Path.Combine(_dir, "win.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\n");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CliResult Handoff(params string[] extra) =>
        CliRun.Run(["gpu", "handoff", "win", "--root", RepoPaths.Host("EADE3920D9"), "--config-dir", _dir, .. extra]);

    [Fact]
    public void I_can_dry_run_a_handoff_and_see_every_step_with_its_undo_and_timeout()
    {
        // Act
        var result = Handoff("--dry-run");

        // Assert
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Handoff of '0000:06:00.0' to 'win' (mode handoff)", result.Out, StringComparison.Ordinal);
        Assert.Contains("do:      echo 0000:06:00.0 > /sys/bus/pci/devices/0000:06:00.0/driver/unbind (from amdgpu)", result.Out, StringComparison.Ordinal);
        Assert.Contains("undo:    echo 0000:06:00.0 > /sys/bus/pci/drivers_probe (binds amdgpu)", result.Out, StringComparison.Ordinal);
        Assert.Contains("timeout: 20 s", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Amdgpu_stays_loaded_unless_the_machine_asks_for_its_unload_and_then_the_simulated_host_gets_it_back()
    {
        // Act: the simulated kernel of the fixture knows its loaded modules (the dry run's tree has no /proc/modules)
        var kept = Handoff("--simulate");
        File.WriteAllText(Path.Combine(_dir, "win.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\nunload_amdgpu = true\n");
        var unloaded = Handoff("--simulate");

        // Assert
        Assert.Equal(0, kept.ExitCode);
        Assert.Equal(0, unloaded.ExitCode);
        Assert.DoesNotContain("\"unload amdgpu\"", kept.Out, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"unload amdgpu\", \"outcome\": \"undone\"", unloaded.Out, StringComparison.Ordinal);
        Assert.Contains("\"restored\": true", unloaded.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_simulate_a_handoff_and_get_the_issue_JSON_with_every_step_undone_and_the_host_restored()
    {
        // Act
        var result = Handoff("--simulate");

        // Assert
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("{\"steps\": [{\"index\": 1, \"name\": \"pre-flight: no process holds the GPU\", \"outcome\": \"undone\"}, ", result.Out, StringComparison.Ordinal);
        Assert.EndsWith("], \"restored\": true, \"diff\": []}\n", result.Out, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.Out);
        Assert.All(json.RootElement.GetProperty("steps").EnumerateArray(), s => Assert.Equal("undone", s.GetProperty("outcome").GetString()));
    }

    [Theory]
    [InlineData("--fail-at", "failed")]
    [InlineData("--crash-at", "undone")]
    public void I_can_simulate_a_fault_at_a_step_and_the_host_is_still_restored(string option, string outcome)
    {
        // Act: step 4 loads vfio-pci (the fixture has no consoles: 1 check, 2 stop the display manager, 3 check again).
        var result = Handoff("--simulate", option, "4");

        // Assert
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var steps = json.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(4, steps.Count);
        Assert.Equal(outcome, steps[^1].GetProperty("outcome").GetString());
        Assert.True(json.RootElement.GetProperty("restored").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("diff").GetArrayLength());
    }

    [Fact]
    public void I_can_simulate_a_hung_kernel_write_and_see_its_target_wedged_and_the_host_not_restored()
    {
        // Act: step 4 loads vfio-pci; the modprobe never returns, so vfio_pci stays wedged until a reboot.
        var result = Handoff("--simulate", "--hang-at", "4");

        // Assert
        Assert.Equal(3, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var steps = json.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal("timed-out", steps[^1].GetProperty("outcome").GetString());
        Assert.False(json.RootElement.GetProperty("restored").GetBoolean());
        Assert.Equal(["'vfio_pci' is wedged: a kernel write to it never returned, and only a reboot frees it."], json.RootElement.GetProperty("diff").EnumerateArray().Select(d => d.GetString()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void I_can_simulate_without_a_root_and_get_one_sentence_instead_of_a_copy_of_the_running_system(bool explicitSlash)
    {
        // Act: without --root the simulation would copy all of / (secrets included) to /dev/shm.
        string[] args = explicitSlash
            ? ["gpu", "handoff", "win", "--simulate", "--root", "/", "--config-dir", _dir]
            : ["gpu", "handoff", "win", "--simulate", "--config-dir", _dir];
        var result = CliRun.Run(args);

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Error: --simulate needs --root DIR with a captured host tree", result.Error, StringComparison.Ordinal);
        Assert.Contains("lodge gpu handoff win --simulate --root host", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void I_can_try_two_faults_at_once_and_get_a_usage_error()
    {
        // Act
        var result = Handoff("--simulate", "--fail-at", "2", "--hang-at", "3");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("at most one of --fail-at, --hang-at and --crash-at", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_run_rescue_on_a_clean_journal_and_nothing_happens()
    {
        // Act
        var result = CliRun.Run("rescue", "--journal", Path.Combine(_dir, "handoff.journal"));

        // Assert
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Nothing to rescue", result.Out, StringComparison.Ordinal);
    }
}
