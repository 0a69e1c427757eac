using Lodge.Linux.Processes;
using Lodge.Linux.Runtime;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>Issue 13: SIGTERM to a foreground <c>lodge up NAME</c> of a machine without a GPU handoff (<c>systemctl stop</c>
/// of a unit, a system shutdown) goes through the same ACPI wait as the handoff's: the power button, up to
/// <c>shutdown_timeout</c>, then a force-off that lodge announces first. Real <c>lodge up NAME --tcg</c>, real QEMU.</summary>
public sealed class SigtermPowerOffSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_send_sigterm_to_a_foreground_up_whose_guest_ignores_ACPI_and_it_waits_its_shutdown_timeout_says_so_and_then_forces_it_off()
    {
        // Arrange: a BIOS machine with nothing to boot: the firmware never answers the ACPI power button.
        var config = Directory.CreateDirectory(Path.Combine(fixture.Root, "machines-sigterm-up")).FullName;
        await File.WriteAllTextAsync(Path.Combine(config, "deafterm.toml"), DeafBiosMachine.Toml(shutdownTimeout: 10));
        var log = Path.Combine(fixture.Root, "deafterm-up.log");
        var up = LodgeCli.Start(log, "up", "deafterm", "--tcg", "--config-dir", config, "--reports-db", Path.Combine(fixture.Root, "deafterm-reports.db"));
        var qemu = await ForegroundWaits.RunningAsync(fixture, "deafterm", up, log);
        await ForegroundWaits.SaidAsync(log, "Guest deafterm is running (QEMU pid", up); // from here on the signals go to the guest

        // Act
        var sent = DateTime.UtcNow;
        up.Signal(15);
        await ForegroundWaits.SaidAsync(log, "Asking 'deafterm' to power off through ACPI", up);
        var aliveDuringWait = ProcessTable.IsAlive(qemu.Pid, qemu.StartTicks);
        var exit = await up.Exited.WaitAsync(Patience.Event);
        var took = DateTime.UtcNow - sent;

        // Assert
        var output = File.ReadAllText(log);
        Assert.True(aliveDuringWait, output);
        Assert.Contains("Asking 'deafterm' to power off through ACPI; waiting up to 10 s for it to shut down (shutdown_timeout), then forcing it off.", output, StringComparison.Ordinal);
        Assert.Contains("'deafterm' did not shut down within 10 s; forcing it off now.", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf("Asking 'deafterm'", StringComparison.Ordinal) < output.IndexOf("forcing it off now", StringComparison.Ordinal), output);
        Assert.True(took >= TimeSpan.FromSeconds(10), $"lodge forced the guest off after {took.TotalSeconds:0.0} s, before its shutdown_timeout of 10 s: {output}");
        Assert.Null(exit.Signal); // lodge ended on its own, not by the SIGTERM
        Assert.NotEqual(70, exit.ExitCode);
        Assert.False(ProcessTable.IsAlive(qemu.Pid, qemu.StartTicks), output);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "deafterm"));
        Assert.False(File.Exists(fixture.Roots.StateFile("deafterm")));
    }
}
