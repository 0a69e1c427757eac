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
                (spec, plan) =>
                {
                    // Every guest runs until it is stopped.
                    var guest = new SimulatedGuest(_kernel, plan.Endpoints) { Lifetime = null };
                    lock (_guests)
                    {
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
}
