using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>The foreground <c>up</c>: Ctrl-C powers the guest off through ACPI; a disk held by any process refuses the start.</summary>
public sealed class ForegroundSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_press_ctrl_c_on_a_foreground_up_and_the_guest_powers_off_through_ACPI()
    {
        // Arrange
        var spec = fixture.WriteSpec("front", "virtiofs", fixture.NewShare("front"));
        var log = Path.Combine(fixture.Root, "front-up.log");
        var up = LodgeCli.Start(log, "up-spec", spec);
        await fixture.WaitForGuestAsync("front");

        // Act
        up.Signal(2);
        var exit = await up.Exited.WaitAsync(Patience.Event);

        // Assert
        var output = File.ReadAllText(log);
        Assert.True(exit.ExitCode == 0, output);
        Assert.Contains("Asking 'front' to power off through ACPI; waiting up to 300 s for it to shut down (shutdown_timeout). Press Ctrl-C again to force it off.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("did not shut down", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Forcing", output, StringComparison.Ordinal);
        Assert.Contains("Guest 'front' stopped: QEMU exited cleanly", output, StringComparison.Ordinal);
        Assert.Contains("power button pressed", File.ReadAllText(Path.Combine(fixture.Roots.RunDir("front"), "serial.log")), StringComparison.Ordinal);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "front"));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_try_to_start_a_guest_whose_disk_another_process_has_open_and_get_that_process_named()
    {
        // Arrange
        var disk = Path.Combine(fixture.Root, "open.qcow2");
        var spec = fixture.WriteSpec("blocked", "9p", fixture.NewShare("blocked"), disk: disk);
        await File.WriteAllBytesAsync(disk, new byte[512]);
        await using var holder = new FileStream(disk, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);

        // Act
        var refused = await LodgeCli.RunAsync("up-spec", spec);

        // Assert
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains($"Cannot start 'blocked': its disk '{disk}' is held by pid {Environment.ProcessId} (", refused.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(fixture.Roots.StateFile("blocked")));
    }
}
