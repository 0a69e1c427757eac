using Lodge.Core.Handoff;
using Lodge.Testing;

namespace Lodge.Core.Tests.Handoff;

// Issue 13 item 3: the handoff's supervisor runs as a transient unit named after the machine when systemd is PID 1.
public sealed class HandoffSupervisorCommandSpecs
{
    private static string Dir => Path.Combine(RepoPaths.Root, "tests", "Lodge.Core.Tests", "Golden", "handoff");

    [Fact]
    public void I_can_see_the_exact_systemd_run_argv_of_a_handoff_supervisor()
    {
        // Act
        var argv = HandoffSupervisorCommand.SystemdRun(
            "win11",
            ["/usr/bin/lodge", "handoff-supervise", "win11", "--root", "/", "--stop-holders"],
            "/run/lodge/win11/handoff.log",
            new Dictionary<string, string> { ["LODGE_STATE_DIR"] = "/var/lib/lodge", ["LODGE_RUN_DIR"] = "/run/lodge" },
            TimeSpan.FromSeconds(600));

        // Assert: one argument per line, as lodge runs it (no shell).
        Golden.Match(Path.Combine(Dir, "systemd-run.args"), string.Concat(argv.Select(a => a + "\n")));
        Assert.Equal("lodge-win11", HandoffSupervisorCommand.UnitName("win11"));
    }
}
