using Lodge.Linux.Processes;
using Lodge.Linux.Runtime;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>Issue 13 item 6: a Ctrl-C power-off waits for ACPI as long as the machine's <c>shutdown_timeout</c> allows and
/// never forces the guest off without saying so and a second Ctrl-C. Real <c>lodge up NAME --tcg</c>, real QEMU.</summary>
public sealed class CtrlCPowerOffSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_press_ctrl_c_on_a_guest_that_ignores_ACPI_and_it_runs_on_past_its_shutdown_timeout_until_a_second_ctrl_c_forces_it_off()
    {
        // Arrange: a BIOS machine with nothing to boot: the firmware never answers the ACPI power button.
        var config = Directory.CreateDirectory(Path.Combine(fixture.Root, "machines-ctrlc")).FullName;
        await File.WriteAllTextAsync(Path.Combine(config, "deaf.toml"), DeafBiosMachine.Toml(shutdownTimeout: 10));
        var log = Path.Combine(fixture.Root, "deaf-up.log");
        var up = LodgeCli.Start(log, "up", "deaf", "--tcg", "--config-dir", config, "--reports-db", Path.Combine(fixture.Root, "deaf-reports.db"));
        var qemu = await ForegroundWaits.RunningAsync(fixture, "deaf", up, log);
        await ForegroundWaits.SaidAsync(log, "Guest deaf is running (QEMU pid", up); // from here on Ctrl-C is the guest's power button

        // Act: one Ctrl-C, then past the timeout.
        up.Signal(2);
        await ForegroundWaits.SaidAsync(log, "'deaf' did not shut down within 10 s", up);
        var afterTimeout = ProcessTable.IsAlive(qemu.Pid, qemu.StartTicks);
        await Task.Delay(TimeSpan.FromSeconds(3)); // and lodge still does not force it on its own
        var stillAfterTimeout = ProcessTable.IsAlive(qemu.Pid, qemu.StartTicks) && !up.Exited.IsCompleted;
        var beforeSecond = File.ReadAllText(log);

        // ... then the second Ctrl-C.
        up.Signal(2);
        var exit = await up.Exited.WaitAsync(Patience.Event);

        // Assert
        var output = File.ReadAllText(log);
        Assert.True(afterTimeout, output);
        Assert.True(stillAfterTimeout, output);
        Assert.Contains("Asking 'deaf' to power off through ACPI; waiting up to 10 s for it to shut down (shutdown_timeout). Press Ctrl-C again to force it off.", beforeSecond, StringComparison.Ordinal);
        Assert.Contains("'deaf' did not shut down within 10 s and is still running; lodge waits on. Press Ctrl-C again to force it off", beforeSecond, StringComparison.Ordinal);
        Assert.DoesNotContain("Forcing", beforeSecond, StringComparison.Ordinal);
        Assert.Contains("Forcing 'deaf' off now, as asked by the second Ctrl-C", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf("did not shut down within", StringComparison.Ordinal) < output.IndexOf("Forcing 'deaf' off now", StringComparison.Ordinal), output);
        Assert.NotEqual(70, exit.ExitCode);
        Assert.False(ProcessTable.IsAlive(qemu.Pid, qemu.StartTicks), output);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "deaf"));
        Assert.False(File.Exists(fixture.Roots.StateFile("deaf")));
    }
}
