using System.Text.Json.Nodes;
using Lodge.Linux.Handoff;
using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>Issue 13 item 3, with the real process tree: <c>lodge up NAME</c> for a handoff machine starts the handoff's
/// supervisor outside its own session (PID 1 is not systemd here, so the setsid supervisor runs) and only follows it.
/// The supervisor runs against the simulated kernel (<c>--simulated-host</c>); the journal and the state are real files.</summary>
public sealed class HandoffSupervisorSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-handoff-supervisor-").FullName;

    public HandoffSupervisorSpecs()
    {
        Directory.CreateDirectory(Machines);
        File.WriteAllText(Path.Combine(Machines, "win.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\n");
    }

    private string Machines => Path.Combine(_dir, "machines");

    private string RunRoot => Path.Combine(_dir, "run");

    private string StateRoot => Path.Combine(_dir, "state");

    private string PhasePath => Path.Combine(RunRoot, "win", "handoff.json");

    public void Dispose()
    {
        // A supervisor a failed assertion left behind is asked to give everything back before the folder goes.
        if (Phase() is { } phase && phase["phase"]?.GetValue<string>() != "ended")
        {
            _ = HostProcesses.Runner.RunAsync("kill", ["-TERM", phase["pid"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            Thread.Sleep(3000);
        }

        Directory.Delete(_dir, recursive: true);
    }

    private SpawnedProcess Lodge(string log, params string[] args) => Lodge(log, null, args);

    private SpawnedProcess Lodge(string log, int? stopAfterStep, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["LODGE_RUN_DIR"] = RunRoot, ["LODGE_STATE_DIR"] = StateRoot };
        if (stopAfterStep is { } step)
        {
            environment["LODGE_TEST_STOP_AFTER_STEP"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return SpawnedProcess.Start([LodgeCli.Path, .. args, "--config-dir", Machines, "--reports-db", Path.Combine(StateRoot, "reports.db")], log, newSession: true, environment);
    }

    // The state letter of /proc/PID/stat ('T' for a stopped process), or null once it is gone.
    private static string? ProcessState(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private JsonNode? Phase()
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(PhasePath));
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private async Task<JsonNode> WaitForPhaseAsync(params string[] phases)
    {
        var limit = DateTime.UtcNow + Patience.Event;
        while (DateTime.UtcNow < limit)
        {
            if (Phase() is { } phase && phases.Contains(phase["phase"]?.GetValue<string>()))
            {
                return phase;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The handoff never reached {string.Join(" or ", phases)}: {File.ReadAllText(PhasePath)}");
    }

    [Theory(Timeout = Patience.TestMilliseconds)]
    [InlineData(1)]
    [InlineData(9)]
    public async Task I_can_lose_the_terminal_that_typed_lodge_up_mid_handoff_and_the_handoff_and_the_way_back_still_complete(int signal)
    {
        // Arrange: 'lodge up win' follows a supervisor that hands the GPU over.
        var followerLog = Path.Combine(_dir, "follower.log");
        var follower = Lodge(followerLog, "up", "win", "--root", RepoPaths.Host("EADE3920D9"), "--simulated-host");
        var midway = await WaitForPhaseAsync("handing-over", "running");
        var supervisor = midway["pid"]!.GetValue<int>();

        // Act: the terminal dies (SIGHUP) or the command is killed (SIGKILL) while the GPU is away from the host.
        follower.Signal(signal);
        var followerExit = await follower.Exited.WaitAsync(Patience.Event);
        await WaitForPhaseAsync("running");
        var status = Path.Combine(_dir, "status.log");
        var statusExit = await Lodge(status, "status", "win").Exited.WaitAsync(Patience.Event);

        // ... and later the guest is stopped the way 'systemctl stop lodge-win' (or Ctrl-C in a follower) asks.
        _ = await HostProcesses.Runner.RunAsync("kill", ["-TERM", supervisor.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        var ended = await WaitForPhaseAsync("ended");

        // Assert
        Assert.Equal(signal, followerExit.Signal);
        Assert.NotEqual(follower.Pid, supervisor);
        Assert.Equal(0, statusExit.ExitCode);
        Assert.Contains($"Handoff of 'win': running (supervisor pid {supervisor})", File.ReadAllText(status), StringComparison.Ordinal);
        Assert.Equal(0, ended["exitCode"]!.GetValue<int>());
        var log = File.ReadAllText(Path.Combine(RunRoot, "win", "handoff.log"));
        Assert.Contains("Probe '0000:06:00.0': driver none -> 'vfio-pci'.", log, StringComparison.Ordinal);
        Assert.Contains("'0000:06:00.0' is back with the host; the host is as it was before 'win' started.", log, StringComparison.Ordinal);
        Assert.True(new HandoffJournal(Path.Combine(StateRoot, "handoff.journal")).IsClean, log);
        Assert.Contains("runs in a session of its own", File.ReadAllText(followerLog), StringComparison.Ordinal);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_press_ctrl_c_in_the_command_that_follows_a_handoff_and_the_supervisor_stops_the_guest_and_gives_the_GPU_back()
    {
        // Arrange
        var followerLog = Path.Combine(_dir, "ctrl-c.log");
        var follower = Lodge(followerLog, "up", "win", "--root", RepoPaths.Host("EADE3920D9"), "--simulated-host");
        var running = await WaitForPhaseAsync("running");

        // Act: Ctrl-C in the terminal that typed 'lodge up win' (passed on to the supervisor as SIGINT).
        follower.Signal(2);
        var followerExit = await follower.Exited.WaitAsync(Patience.Event);
        var ended = await WaitForPhaseAsync("ended");

        // Assert
        var output = File.ReadAllText(followerLog);
        Assert.True(followerExit.ExitCode == 0, output);
        Assert.Equal(running["pid"]!.GetValue<int>(), ended["pid"]!.GetValue<int>());
        Assert.Equal(0, ended["exitCode"]!.GetValue<int>());
        Assert.Contains("Asking 'win' to power off; the GPU comes back after it.", output, StringComparison.Ordinal);
        Assert.Contains("'0000:06:00.0' is back with the host; the host is as it was before 'win' started.", output, StringComparison.Ordinal);
        Assert.True(new HandoffJournal(Path.Combine(StateRoot, "handoff.journal")).IsClean, output);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_detach_a_handoff_and_get_my_prompt_back_once_the_guest_runs_with_the_GPU()
    {
        // Act
        var log = Path.Combine(_dir, "detach.log");
        var exit = await Lodge(log, "up", "win", "--root", RepoPaths.Host("EADE3920D9"), "--simulated-host", "--detach").Exited.WaitAsync(Patience.Event);
        var running = Phase();
        _ = await HostProcesses.Runner.RunAsync("kill", ["-TERM", running!["pid"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        var ended = await WaitForPhaseAsync("ended");

        // Assert
        Assert.True(exit.ExitCode == 0, File.ReadAllText(log));
        Assert.Equal("running", running["phase"]!.GetValue<string>());
        Assert.Contains("'win' runs with the GPU (supervisor pid", File.ReadAllText(log), StringComparison.Ordinal);
        Assert.Equal(0, ended["exitCode"]!.GetValue<int>());
        Assert.True(new HandoffJournal(Path.Combine(StateRoot, "handoff.journal")).IsClean);
    }

    [Theory(Timeout = Patience.TestMilliseconds)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task The_lab_can_stop_the_handoffs_supervisor_right_after_step_k_and_kill_it_there(int k)
    {
        // Arrange: the lab's hidden hook, set in the environment of the command the user types; the supervisor runs
        // elsewhere (its own session here, a systemd unit in the lab), so 'lodge up' must pass it on.
        var follower = Lodge(Path.Combine(_dir, "stop.log"), k, "up", "win", "--root", RepoPaths.Host("EADE3920D9"), "--simulated-host");
        var supervisor = (await WaitForPhaseAsync("handing-over", "running"))["pid"]!.GetValue<int>();
        var limit = DateTime.UtcNow + Patience.Event;
        while (ProcessState(supervisor) is not ("T" or null) && DateTime.UtcNow < limit)
        {
            await Task.Delay(50);
        }

        // Act: what the lab does once the supervisor has stopped.
        var state = ProcessState(supervisor);
        var journal = File.ReadAllLines(Path.Combine(StateRoot, "handoff.journal"));
        _ = await HostProcesses.Runner.RunAsync("kill", ["-KILL", supervisor.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        follower.Signal(9);
        _ = await follower.Exited.WaitAsync(Patience.Event);

        // Assert: stopped, with steps 1..k done and step k+1 not begun (the done record of step k is the last line).
        Assert.Equal("T", state);
        var done = journal.Where(line => line.Contains("\"event\":\"done\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(k, done.Count);
        Assert.Contains($"\"event\":\"done\",\"index\":{k}}}", journal[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(journal, line => line.Contains($"\"index\":{k + 1},", StringComparison.Ordinal));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task A_handoff_stopped_by_the_hook_runs_on_when_continued_and_gives_the_GPU_back()
    {
        // Arrange
        var follower = Lodge(Path.Combine(_dir, "continue.log"), 2, "up", "win", "--root", RepoPaths.Host("EADE3920D9"), "--simulated-host");
        var supervisor = (await WaitForPhaseAsync("handing-over", "running"))["pid"]!.GetValue<int>();
        var limit = DateTime.UtcNow + Patience.Event;
        while (ProcessState(supervisor) != "T" && DateTime.UtcNow < limit)
        {
            await Task.Delay(50);
        }

        // Act: continue it, let the guest run, then stop the guest as 'systemctl stop' would.
        var stopped = ProcessState(supervisor);
        _ = await HostProcesses.Runner.RunAsync("kill", ["-CONT", supervisor.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        await WaitForPhaseAsync("running");
        _ = await HostProcesses.Runner.RunAsync("kill", ["-TERM", supervisor.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        var ended = await WaitForPhaseAsync("ended");
        _ = await follower.Exited.WaitAsync(Patience.Event);

        // Assert: the hook stopped it once, and nothing else changed.
        Assert.Equal("T", stopped);
        Assert.Equal(0, ended["exitCode"]!.GetValue<int>());
        Assert.True(new HandoffJournal(Path.Combine(StateRoot, "handoff.journal")).IsClean);
    }
}
