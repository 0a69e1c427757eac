using Lodge.App;
using Lodge.App.Handoff;
using Lodge.Core.Handoff;
using Lodge.Linux.Handoff;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

// lodge switch NAME from another command while 'lodge up' runs a handoff: the request goes through the run folder to the
// process that runs the handoff, which moves the simulated GPU; the requester prints the switch's lines and its end.
public sealed class SwitchCommandSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-switch-").FullName;
    private readonly SimulatedKernel _kernel = new(RepoPaths.Host("EADE3920D9"));
    private readonly List<(string Name, SimulatedGuest Guest)> _guests = [];
    private readonly HostState _initial;
    private readonly HashSet<string> _failing = [];
    private readonly LodgeOptions _options;

    public SwitchCommandSpecs()
    {
        foreach (var name in new[] { "win", "linux" })
        {
            File.WriteAllText(Path.Combine(_dir, $"{name}.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\n");
        }

        File.WriteAllText(Path.Combine(_dir, "plain.toml"), "[gpu]\nmode = \"none\"\n");
        _initial = _kernel.State();
        _options = LodgeOptions.FromProcess() with
        {
            Environment = CliRun.Environment(new Linux.Runtime.RuntimeRoots(Path.Combine(_dir, "run"), _dir)),
            Handoff = (lodge, _, _) => new HandoffEnvironment(
                _kernel.ScanForHandoff,
                () => _kernel.DisplayManagerActive,
                (guest, log) => _kernel.HandoffHost(guest, log),
                (spec, plan, _) =>
                {
                    // Every guest runs until it is stopped; a guest the test names in _failing fails to start.
                    var guest = new SimulatedGuest(_kernel, plan.Endpoints) { Lifetime = null };
                    lock (_guests)
                    {
                        guest.FailStart = _failing.Contains(spec.Machine);
                        _guests.Add((spec.Machine, guest));
                    }

                    return guest;
                },
                (guest, _) => new GuestHealth(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(10), ((SimulatedGuest)guest).IsHealthyAsync),
                (devices, ct) => _kernel.ScanHoldersAsync(devices, ct),
                (_, _, _) => Task.CompletedTask,
                lodge.Journal),
        };
    }

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private CliResult Lodge(params string[] args) =>
        CliRun.RunWith(_options, [.. args, "--root", _kernel.Root, "--config-dir", _dir, "--reports-db", Path.Combine(_dir, "reports.db")]);

    private SimulatedGuest Guest(string name)
    {
        lock (_guests)
        {
            return _guests.Last(g => g.Name == name).Guest;
        }
    }

    private async Task WaitForHolderAsync(string name)
    {
        var holder = Path.Combine(_dir, "run", "switch", "holder.json");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(File.Exists(holder) && File.ReadAllText(holder).Contains($"\"holder\":\"{name}\"", StringComparison.Ordinal)))
        {
            Assert.True(clock.Elapsed < Patience.Event, $"'{name}' was never announced as the GPU's holder.");
            await Task.Delay(50);
        }
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_switch_the_GPU_from_a_running_handoff_guest_to_another_with_lodge_switch_and_the_host_gets_it_back_at_the_end()
    {
        // Arrange
        var up = Task.Run(() => Lodge("up", "win", "--tcg"));
        await WaitForHolderAsync("win");
        var whileWin = _kernel.State();
        var actions = _kernel.Log.Count;

        // Act
        var result = await Task.Run(() => Lodge("switch", "linux"));

        // Assert
        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Contains("'linux' runs with the GPU; 'win' is off.", result.Out, StringComparison.Ordinal);
        Assert.Contains("Shutting 'win' down through ACPI", result.Error, StringComparison.Ordinal);
        Assert.False(Guest("win").Running);
        Assert.True(Guest("linux").Running);
        Assert.Equal("vfio-pci", Guest("linux").DriversAtStart.Values.Distinct().Single());
        Assert.Empty(_kernel.State().DiffFrom(whileWin));
        Assert.Equal(actions, _kernel.Log.Count);
        await WaitForHolderAsync("linux");

        // When linux powers off, 'lodge up win' gives the GPU back to the host
        await Guest("linux").StopAsync("linux");
        var ended = await up.WaitAsync(Patience.Event);
        Assert.True(ended.ExitCode == 0, ended.Error);
        Assert.Empty(_kernel.State().DiffFrom(_initial));
        Assert.False(File.Exists(Path.Combine(_dir, "run", "switch", "holder.json")));
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_try_to_switch_to_a_machine_without_a_handed_off_GPU_and_get_one_sentence_and_nothing_changed()
    {
        // Arrange
        var up = Task.Run(() => Lodge("up", "win", "--tcg"));
        await WaitForHolderAsync("win");
        var whileWin = _kernel.State();

        // Act
        var plain = await Task.Run(() => Lodge("switch", "plain"));
        var same = await Task.Run(() => Lodge("switch", "win"));

        // Assert
        Assert.Equal(3, plain.ExitCode);
        Assert.Contains("'plain' takes no GPU from the host", plain.Error, StringComparison.Ordinal);
        Assert.Equal(3, same.ExitCode);
        Assert.Contains("'win' already holds the GPU; nothing changed.", same.Error, StringComparison.Ordinal);
        Assert.True(Guest("win").Running);
        Assert.Empty(_kernel.State().DiffFrom(whileWin));

        await Guest("win").StopAsync("win");
        Assert.Equal(0, (await up.WaitAsync(Patience.Event)).ExitCode);
        Assert.Empty(_kernel.State().DiffFrom(_initial));
    }

    private List<System.Text.Json.Nodes.JsonNode> Reports(string machine)
    {
        var list = Lodge("report", "list", "--json");
        Assert.True(list.ExitCode == 0, list.Error);
        return [.. System.Text.Json.Nodes.JsonNode.Parse(list.Out)!["reports"]!.AsArray().Where(r => (string?)r!["machine"] == machine).OrderBy(r => (long)r!["id"]!).Select(r => r!["result"]!)];
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_switch_the_GPU_and_each_guest_gets_its_own_outcome_report_as_lodge_up_gives_one()
    {
        // Arrange
        var up = Task.Run(() => Lodge("up", "win", "--tcg"));
        await WaitForHolderAsync("win");

        // Act: win gives the GPU to linux, which later powers off and the host gets the GPU back
        var result = await Task.Run(() => Lodge("switch", "linux"));
        await WaitForHolderAsync("linux");
        await Guest("linux").StopAsync("linux");
        var ended = await up.WaitAsync(Patience.Event);

        // Assert: win's run worked (it powered off for the switch); linux's run is the handoff's end: healthy, host clean
        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.True(ended.ExitCode == 0, ended.Error);
        var win = Assert.Single(Reports("win"));
        Assert.True((bool)win["succeeded"]!);
        var linux = Assert.Single(Reports("linux"));
        Assert.True((bool)linux["started"]!);
        Assert.True((bool)linux["healthy"]!);
        Assert.True((bool)linux["handoffClean"]!);
        Assert.Empty(_kernel.State().DiffFrom(_initial));
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_switch_to_a_guest_that_fails_to_start_and_its_failed_start_is_recorded_while_the_previous_guest_runs_again()
    {
        // Arrange
        var up = Task.Run(() => Lodge("up", "win", "--tcg"));
        await WaitForHolderAsync("win");
        lock (_guests)
        {
            _failing.Add("linux");
        }

        // Act
        var result = await Task.Run(() => Lodge("switch", "linux"));
        await WaitForHolderAsync("win");
        var whileBack = Reports("linux");
        await Guest("win").StopAsync("win");
        var ended = await up.WaitAsync(Patience.Event);

        // Assert: the switch failed (win runs again); linux's failed start is a report; win has its two runs
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("'linux' did not start with the GPU", result.Error, StringComparison.Ordinal);
        var linux = Assert.Single(whileBack);
        Assert.False((bool)linux["started"]!);
        Assert.Equal("start", (string?)linux["failedStep"]);
        Assert.Contains("failed to start", (string?)linux["error"], StringComparison.Ordinal);
        Assert.True(ended.ExitCode == 0, ended.Error);
        var win = Reports("win");
        Assert.Equal(2, win.Count);
        Assert.All(win, r => Assert.True((bool)r["succeeded"]!));
        Assert.Empty(_kernel.State().DiffFrom(_initial));
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_switch_when_both_guests_fail_and_both_failed_starts_are_recorded_with_the_host_given_the_GPU_back()
    {
        // Arrange: once win runs, neither linux nor win can start any more
        var up = Task.Run(() => Lodge("up", "win", "--tcg"));
        await WaitForHolderAsync("win");
        lock (_guests)
        {
            _failing.Add("linux");
            _failing.Add("win");
        }

        // Act
        var result = await Task.Run(() => Lodge("switch", "linux"));
        await up.WaitAsync(Patience.Event);

        // Assert: the host got the GPU back; linux's start and win's second start failed, each recorded with a clean host
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("the GPU goes back to the host", result.Error, StringComparison.Ordinal);
        Assert.Empty(_kernel.State().DiffFrom(_initial));
        var linux = Assert.Single(Reports("linux"));
        Assert.False((bool)linux["started"]!);
        Assert.True((bool)linux["handoffClean"]!);
        var win = Reports("win");
        Assert.Equal(2, win.Count);
        Assert.True((bool)win[0]["succeeded"]!);
        Assert.False((bool)win[1]["started"]!);
        Assert.Equal("start", (string?)win[1]["failedStep"]);
        Assert.True((bool)win[1]["handoffClean"]!);
    }
}

