using Lodge.Testing;
using Lodge.Linux.Processes;
using Lodge.Linux.Reports;
using Lodge.Linux.Runtime;

namespace Lodge.IntegrationTests;

/// <summary>A detached <c>up</c>'s outcome report tells how the guest really ended: its supervisor completes it.</summary>
public sealed class DetachedOutcomeSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = 180000)]
    public async Task I_can_kill_QEMU_of_a_detached_guest_and_find_the_attempt_recorded_as_a_crash()
    {
        // Arrange: a small BIOS machine (no OS: it runs until stopped) under TCG.
        var config = Directory.CreateDirectory(Path.Combine(fixture.Root, "machines-outcome")).FullName;
        var db = Path.Combine(fixture.Root, "outcome-reports.db");
        await File.WriteAllTextAsync(Path.Combine(config, "killed.toml"), """
            os = "linux"

            [cpu]
            cores = 1
            threads = 1

            [memory]
            size = "128M"
            hugepages = "off"

            [firmware]
            type = "bios"

            [network]
            mode = "none"

            [display]
            type = "none"

            [audio]
            backend = "none"
            """);
        var up = await LodgeCli.RunAsync("up", "killed", "--detach", "--tcg", "--config-dir", config, "--reports-db", db);
        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        var state = new GuestStateStore(fixture.Roots).Read("killed")!;
        var whileRunning = await ReadReportAsync(db);

        // Act
        ProcessTable.Signal(state.Qemu!.Pid, state.Qemu.StartTicks, 9);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (Directory.Exists($"/proc/{state.Supervisor!.Pid}") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        // Assert
        Assert.False(Directory.Exists($"/proc/{state.Supervisor.Pid}"), "The supervisor did not end within 90 s of QEMU's kill.");
        Assert.True(whileRunning.Result.Started);
        Assert.False(whileRunning.Result.Healthy);
        Assert.Contains("the end is unknown", whileRunning.Result.Error, StringComparison.Ordinal);
        var report = await ReadReportAsync(db);
        Assert.Equal(whileRunning.Id, report.Id);
        Assert.Equal("killed", report.Machine);
        Assert.True(report.Result.Started);
        Assert.False(report.Result.Healthy);
        Assert.Equal("run", report.Result.FailedStep);
        Assert.Contains("Guest 'killed' crashed: QEMU ended with signal 9 (SIGKILL)", report.Result.Error, StringComparison.Ordinal);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "killed"));
    }

    [Fact(Timeout = 180000)]
    public async Task A_detached_start_refused_by_its_plan_leaves_no_supervisor_and_a_fixed_machine_then_starts_with_its_log()
    {
        // Arrange: 'up --detach' spawns its supervisor before the plan; this machine's plan is refused (memory size).
        var config = Directory.CreateDirectory(Path.Combine(fixture.Root, "machines-early")).FullName;
        var db = Path.Combine(fixture.Root, "early-reports.db");
        const string Machine = """
            os = "linux"

            [cpu]
            cores = 1
            threads = 1

            [memory]
            size = "SIZE"
            hugepages = "off"

            [firmware]
            type = "bios"

            [network]
            mode = "none"

            [display]
            type = "none"

            [audio]
            backend = "none"
            """;
        await File.WriteAllTextAsync(Path.Combine(config, "early.toml"), Machine.Replace("SIZE", "lots", StringComparison.Ordinal));

        // Act
        var refused = await LodgeCli.RunAsync("up", "early", "--detach", "--tcg", "--config-dir", config, "--reports-db", db);
        var left = await SupervisorsOfAsync("early");
        await File.WriteAllTextAsync(Path.Combine(config, "early.toml"), Machine.Replace("SIZE", "128M", StringComparison.Ordinal));
        var up = await LodgeCli.RunAsync("up", "early", "--detach", "--tcg", "--config-dir", config, "--reports-db", db);
        var log = Path.Combine(fixture.Roots.RunDir("early"), "supervisor.log");
        var supervising = await LogLineAsync(log, "Supervising 'early' (QEMU pid ");
        var down = await LodgeCli.RunAsync("down", "early", "--timeout", "0", "--force");

        // Assert: the refusal is the plan's, and its supervisor went away without a trace in the run folder
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("The machine 'early' has 1 error(s)", refused.StandardError, StringComparison.Ordinal);
        Assert.Empty(left);
        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        Assert.True(supervising, $"supervisor.log has no 'Supervising' line: {(File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no log)")}");
        Assert.True(down.ExitCode == 0, down.StandardOutput + down.StandardError);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "early"));
    }

    // Supervisors of the machine still alive once every one that is going has gone (generous limit: a loaded machine).
    private async Task<IReadOnlyList<string>> SupervisorsOfAsync(string machine)
    {
        var deadline = DateTime.UtcNow + Patience.Event;
        while (true)
        {
            var left = (await LodgeProcesses.OfAsync(fixture, machine)).Where(c => c.Contains(" supervise ", StringComparison.Ordinal)).ToList();
            if (left.Count == 0 || DateTime.UtcNow > deadline)
            {
                return left;
            }
        }
    }

    private static async Task<bool> LogLineAsync(string log, string start)
    {
        var deadline = DateTime.UtcNow + Patience.Event;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(log) && (await File.ReadAllLinesAsync(log)).Any(l => l.StartsWith(start, StringComparison.Ordinal)))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    // The supervisor writes "running" right after QEMU starts: wait for it rather than for a fixed time.
    private static async Task<Lodge.Core.Reports.OutcomeReport> ReadReportAsync(string db)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using (var store = ReportStore.Open(db))
            {
                var report = Assert.Single(store.All());
                if (report.Result.Started || DateTime.UtcNow > deadline)
                {
                    return report;
                }
            }

            await Task.Delay(50);
        }
    }
}
