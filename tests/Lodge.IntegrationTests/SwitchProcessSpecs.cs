using System.Text.Json.Nodes;
using Lodge.App.Handoff;
using Lodge.Core.Handoff;
using Lodge.Linux.Handoff;
using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary><c>lodge switch</c> as a process: <c>lodge up win</c> hands the simulated GPU over through its supervisor
/// (<c>--simulated-host</c>: the simulated kernel over a copy of the fixture, its log in handoff.log), and the real binary
/// asks that supervisor to move it. The happy path and both guests failing, each checked through what the simulated kernel
/// did (every host write is a line of the log) and the journal.</summary>
public sealed class SwitchProcessSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-switch-process-").FullName;

    public SwitchProcessSpecs()
    {
        Directory.CreateDirectory(Machines);
        foreach (var name in new[] { "win", "linux" })
        {
            File.WriteAllText(Path.Combine(Machines, $"{name}.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\n");
        }
    }

    private string Machines => Path.Combine(_dir, "machines");

    private string RunRoot => Path.Combine(_dir, "run");

    private string StateRoot => Path.Combine(_dir, "state");

    private string PhasePath => Path.Combine(RunRoot, "win", "handoff.json");

    private string HandoffLog => Path.Combine(RunRoot, "win", "handoff.log");

    public void Dispose()
    {
        if (Phase() is { } phase && phase["phase"]?.GetValue<string>() != "ended")
        {
            _ = HostProcesses.Runner.RunAsync("kill", ["-TERM", phase["pid"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            Thread.Sleep(3000);
        }

        Directory.Delete(_dir, recursive: true);
    }

    private string[] Args(params string[] args) =>
        [LodgeCli.Path, .. args, "--root", RepoPaths.Host("EADE3920D9"), "--config-dir", Machines, "--reports-db", Path.Combine(StateRoot, "reports.db")];

    private Dictionary<string, string> Environment => new() { ["LODGE_RUN_DIR"] = RunRoot, ["LODGE_STATE_DIR"] = StateRoot };

    private SpawnedProcess Lodge(string log, params string[] args) => SpawnedProcess.Start(Args(args), log, newSession: true, Environment);

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var log = Path.Combine(_dir, $"{args[0]}-{Guid.NewGuid():N}.log");
        var exit = await Lodge(log, args).Exited.WaitAsync(Patience.Event);
        return (exit.ExitCode ?? -1, File.ReadAllText(log));
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

    private async Task<JsonNode> WaitForPhaseAsync(string phase)
    {
        var limit = DateTime.UtcNow + Patience.Event;
        while (DateTime.UtcNow < limit)
        {
            if (Phase() is { } now && now["phase"]?.GetValue<string>() == phase)
            {
                return now;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The handoff never reached {phase}: {(File.Exists(HandoffLog) ? File.ReadAllText(HandoffLog) : "no log")}");
    }

    private async Task WaitForHolderAsync(string name)
    {
        var holder = Path.Combine(RunRoot, "switch", "holder.json");
        var limit = DateTime.UtcNow + Patience.Event;
        while (!(File.Exists(holder) && File.ReadAllText(holder).Contains($"\"holder\":\"{name}\"", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < limit, $"'{name}' was never announced as the GPU's holder.");
            await Task.Delay(50);
        }
    }

    // The lines of the handoff's log that are writes to the (simulated) host: one line per mutation, as the executor logs it.
    private static bool IsHostWrite(string line) =>
        line.StartsWith("Unbind '", StringComparison.Ordinal) || line.StartsWith("Probe '", StringComparison.Ordinal) || line.StartsWith("Set driver_override", StringComparison.Ordinal)
        || Enum.GetNames<HandoffOperationKind>().Any(kind => line.StartsWith($"{kind} '", StringComparison.Ordinal));

    private List<JsonNode> Results(string machine, string list) =>
        [.. JsonNode.Parse(list)!["reports"]!.AsArray().Where(r => (string?)r!["machine"] == machine).OrderBy(r => (long)r!["id"]!).Select(r => r!["result"]!)];

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_run_lodge_switch_and_the_GPU_moves_to_the_other_guest_with_no_host_write_in_between_and_comes_back_at_the_end()
    {
        // Arrange: 'lodge up win' runs the handoff in its supervisor
        var follower = Lodge(Path.Combine(_dir, "up.log"), "up", "win", "--simulated-host", "--detach");
        Assert.Equal(0, (await follower.Exited.WaitAsync(Patience.Event)).ExitCode);
        var running = await WaitForPhaseAsync("running");
        await WaitForHolderAsync("win");
        var writesBefore = File.ReadAllLines(HandoffLog).Count(IsHostWrite);

        // Act
        var (exit, output) = await RunAsync("switch", "linux");
        await WaitForHolderAsync("linux");
        var during = File.ReadAllLines(HandoffLog);
        _ = await HostProcesses.Runner.RunAsync("kill", ["-TERM", running["pid"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        var ended = await WaitForPhaseAsync("ended");
        var (_, list) = await RunAsync("report", "list", "--json");

        // Assert: the switch ran in the supervisor; the host saw no write between the guests; at the end everything came back
        Assert.True(exit == 0, output);
        Assert.Contains("'linux' runs with the GPU; 'win' is off.", output, StringComparison.Ordinal);
        Assert.Contains("Shutting 'win' down through ACPI", output, StringComparison.Ordinal);
        Assert.True(writesBefore > 0, string.Join("\n", during));
        Assert.Equal(writesBefore, during.Count(IsHostWrite));
        Assert.Equal(0, ended["exitCode"]!.GetValue<int>());
        Assert.Contains("'0000:06:00.0' is back with the host; the host is as it was before 'win' started.", File.ReadAllText(HandoffLog), StringComparison.Ordinal);
        Assert.True(new HandoffJournal(Path.Combine(StateRoot, "handoff.journal")).IsClean);
        Assert.True((bool)Assert.Single(Results("win", list))["succeeded"]!);
        Assert.True((bool)Assert.Single(Results("linux", list))["started"]!);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_run_lodge_switch_when_both_guests_fail_and_the_host_gets_the_GPU_back_as_rescue_would()
    {
        // Arrange: once win runs, neither linux nor win can start any more
        var follower = Lodge(Path.Combine(_dir, "up.log"), "up", "win", "--simulated-host", "--detach");
        Assert.Equal(0, (await follower.Exited.WaitAsync(Patience.Event)).ExitCode);
        await WaitForPhaseAsync("running");
        await WaitForHolderAsync("win");
        foreach (var name in new[] { "linux", "win" })
        {
            Directory.CreateDirectory(Path.Combine(RunRoot, name));
            File.WriteAllText(Path.Combine(RunRoot, name, SimulatedHandoffEnvironment.FailStartMarker), "");
        }

        // Act
        var (exit, output) = await RunAsync("switch", "linux");
        var ended = await WaitForPhaseAsync("ended");
        var (_, list) = await RunAsync("report", "list", "--json");

        // Assert: the switch said so; the supervisor gave the GPU back on its own (the simulated host is as before), journal clean
        Assert.Equal(3, exit);
        Assert.Contains("did not start again either", File.ReadAllText(HandoffLog), StringComparison.Ordinal);
        Assert.Contains("the GPU goes back to the host", output, StringComparison.Ordinal);
        Assert.Contains("'0000:06:00.0' is back with the host; the host is as it was before 'win' started.", File.ReadAllText(HandoffLog), StringComparison.Ordinal);
        Assert.NotNull(ended["exitCode"]);
        Assert.True(new HandoffJournal(Path.Combine(StateRoot, "handoff.journal")).IsClean);
        Assert.Equal(JournalStatus.Clean, new HandoffJournal(Path.Combine(StateRoot, "handoff.journal")).Inspect().Status);
        Assert.Equal("start", (string?)Assert.Single(Results("linux", list))["failedStep"]);
        Assert.Equal(2, Results("win", list).Count);
    }
}
