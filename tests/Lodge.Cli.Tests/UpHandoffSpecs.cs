using Lodge.App;
using Lodge.App.Handoff;
using Lodge.Core.Handoff;
using Lodge.Linux.Handoff;
using Lodge.Linux.Host;
using Lodge.Linux.Reports;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

// lodge up NAME for a handoff machine, end to end against the simulated kernel: the real planner, executor and
// outcome recorder; only the host interfaces and the guest are the simulation's, handed to the composition root
// (LodgeOptions.Handoff). LODGE_STATE_DIR and LODGE_RUN_DIR point into the test's folder, as a user would set them.
public sealed class UpHandoffSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-up-handoff-").FullName;
    private readonly SimulatedKernel _kernel = new(RepoPaths.Host("EADE3920D9"));
    private readonly HostState _initial;
    private readonly List<SimulatedHolder> _held = [];
    private readonly List<DeviceHolder> _stopped = [];
    private SimulatedGuest? _guest;
    private bool _neverHealthy;
    private int? _killedAfterStep;
    private readonly LodgeOptions _options;

    public UpHandoffSpecs()
    {
        File.WriteAllText(Path.Combine(_dir, "win.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\n");
        _initial = _kernel.State();
        _options = LodgeOptions.FromProcess() with
        {
            Environment = CliRun.Environment(new Linux.Runtime.RuntimeRoots(Path.Combine(_dir, "run"), _dir)),
            Handoff = (lodge, _, _) => SimulatedHost(lodge),
        };
    }

    private HandoffEnvironment SimulatedHost(LodgeHost lodge) => new(
            _kernel.ScanForHandoff,
            () => _kernel.DisplayManagerActive,
            (guest, log) => _kernel.HandoffHost(guest, log),
            (_, plan, _) => _guest = new SimulatedGuest(_kernel, plan.Endpoints) { NeverHealthy = _neverHealthy, Lifetime = _neverHealthy ? null : TimeSpan.FromMilliseconds(50) },
            (guest, _) => new GuestHealth(TimeSpan.FromMilliseconds(_neverHealthy ? 300 : 5000), TimeSpan.FromMilliseconds(10), ((SimulatedGuest)guest).IsHealthyAsync),
            (devices, ct) => _kernel.ScanHoldersAsync(devices, ct),
            (holders, log, _) =>
            {
                // As SIGTERM would: the holders the pre-flight named go away.
                _stopped.AddRange(holders);
                _held.ForEach(h => h.Dispose());
                return Task.CompletedTask;
            },
            lodge.Journal)
        {
            AbandonAfterStep = _killedAfterStep,
        };

    private string Db => Path.Combine(_dir, "reports.db");

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private CliResult Up(params string[] extra) =>
        CliRun.RunWith(_options, ["up", "win", "--root", _kernel.Root, "--config-dir", _dir, "--reports-db", Db, "--tcg", .. extra]);

    [Fact(Timeout = 30000)]
    public async Task I_can_rescue_a_handoff_machine_whose_lodge_up_was_killed_mid_handoff_with_a_plain_lodge_rescue_under_the_same_state_folder()
    {
        // Arrange: lodge is killed after step 3 of the handoff (the GPU is off its driver, the journal is pending)
        _killedAfterStep = 3;
        var up = await Task.Run(() => Up());
        Assert.Equal(ExitCodes.Error, up.ExitCode);
        Assert.NotEmpty(_kernel.State().DiffFrom(_initial));
        var journal = Path.Combine(_dir, "handoff.journal");
        Assert.Equal(JournalStatus.Pending, new HandoffJournal(journal).Inspect().Status);

        // Act: a plain 'lodge rescue' (no --journal) in the same environment
        var rescue = await Task.Run(() => CliRun.RunWith(_options, "rescue", "--root", _kernel.Root));

        // Assert
        Assert.True(rescue.ExitCode == 0, rescue.Out + rescue.Error);
        Assert.Contains("The host has its GPU back.", rescue.Out, StringComparison.Ordinal);
        Assert.Empty(_kernel.State().DiffFrom(_initial));
        Assert.True(new HandoffJournal(journal).IsClean);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_bring_up_a_handoff_machine_and_the_host_gets_its_GPU_back_and_a_clean_outcome_is_recorded()
    {
        // Act
        var result = await Task.Run(() => Up());

        // Assert
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("vfio-pci", _guest!.DriversAtStart.Values.Distinct().Single());
        Assert.Empty(_kernel.State().DiffFrom(_initial));
        Assert.Contains("'0000:06:00.0' is back with the host", result.Out, StringComparison.Ordinal);
        using var store = ReportStore.Open(Db);
        var report = Assert.Single(store.All());
        Assert.Equal(new Core.Reports.ReportResult(true, true, true, null, null), report.Result);
        Assert.Equal("handoff", report.Guest.Features["gpu-mode"]);
        Assert.True(report.Guest.Features.ContainsKey("reset-method"));
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_bring_up_a_handoff_machine_whose_unbind_fails_and_get_the_host_back_with_the_failing_step_recorded()
    {
        // Arrange
        _kernel.FailOn(HostAction.Unbind, "0000:06:00.0");

        // Act
        var result = await Task.Run(() => Up());

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Empty(_guest!.DriversAtStart); // never started
        Assert.Empty(_kernel.State().DiffFrom(_initial));
        using var store = ReportStore.Open(Db);
        var report = Assert.Single(store.All());
        Assert.False(report.Result.Started);
        Assert.True(report.Result.HandoffClean);
        Assert.Equal("unbind 0000:06:00.0 from amdgpu", report.Result.FailedStep);
        Assert.False(string.IsNullOrEmpty(report.Result.Error));
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_try_to_bring_up_a_handoff_machine_while_an_unfinished_handoff_is_journaled_and_the_refusal_is_recorded()
    {
        // Arrange: a journal whose last line is not "clean", as a killed lodge leaves it
        File.WriteAllText(Path.Combine(_dir, "handoff.journal"), "{\"event\":\"begin\",\"guest\":\"other\"}\n");

        // Act
        var result = await Task.Run(() => Up());

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains("is not finished", result.Error);
        Assert.Empty(_kernel.State().DiffFrom(_initial));
        using var store = ReportStore.Open(Db);
        var report = Assert.Single(store.All());
        Assert.False(report.Result.Started);
        Assert.Equal("start", report.Result.FailedStep);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_run_gpu_handoff_without_dry_run_and_it_is_the_same_real_path_as_up()
    {
        // Act
        var result = await Task.Run(() => CliRun.RunWith(_options, "gpu", "handoff", "win", "--root", _kernel.Root, "--config-dir", _dir, "--reports-db", Db));

        // Assert
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.NotNull(_guest);
        Assert.Empty(_kernel.State().DiffFrom(_initial));
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_try_to_bring_up_a_handoff_machine_whose_GPU_a_process_holds_and_get_it_named_and_nothing_changed()
    {
        // Arrange
        _held.Add(_kernel.Hold(Core.Hardware.PciAddress.Parse("0000:06:00.0"), "steam (pid 4321)"));

        // Act
        var result = await Task.Run(() => Up());

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("'steam' (pid 4321) holds '/dev/dri/card0'", result.Error, StringComparison.Ordinal);
        Assert.Contains("--stop-holders", result.Error, StringComparison.Ordinal);
        Assert.Empty(_stopped);
        Assert.Empty(_kernel.State().DiffFrom(_initial));
        using var store = ReportStore.Open(Db);
        Assert.False(Assert.Single(store.All()).Result.Started);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_bring_up_a_handoff_machine_with_stop_holders_and_the_holder_is_stopped_instead_of_refused()
    {
        // Arrange
        _held.Add(_kernel.Hold(Core.Hardware.PciAddress.Parse("0000:06:00.0"), "steam (pid 4321)"));

        // Act
        var result = await Task.Run(() => Up("--stop-holders"));

        // Assert
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(4321, Assert.Single(_stopped).Pid);
        Assert.Empty(_kernel.State().DiffFrom(_initial));
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_bring_up_a_handoff_machine_whose_guest_never_becomes_healthy_and_the_watchdog_gives_the_GPU_back()
    {
        // Arrange
        _neverHealthy = true;

        // Act
        var result = await Task.Run(() => Up());

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Equal(1, _guest!.Stops);
        Assert.Empty(_kernel.State().DiffFrom(_initial));
        using var store = ReportStore.Open(Db);
        var report = Assert.Single(store.All()).Result;
        Assert.True(report.Started);
        Assert.False(report.Healthy);
        Assert.True(report.HandoffClean);
        Assert.Equal("watchdog", report.FailedStep);
        Assert.Contains("did not show it was healthy", report.Error, StringComparison.Ordinal);
    }
}
