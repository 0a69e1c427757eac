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
