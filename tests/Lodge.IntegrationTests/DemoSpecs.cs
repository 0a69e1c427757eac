using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary><c>lodge demo</c> end to end under TCG: boot, share round trip, ACPI power-off.</summary>
public sealed class DemoSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Theory(Timeout = Patience.TestMilliseconds)]
    [InlineData("9p")]
    [InlineData("virtiofs")]
    public async Task I_can_run_the_demo_and_see_the_guest_use_the_shared_folder_and_power_off_through_ACPI(string share)
    {
        // Arrange
        _ = fixture.Roots;

        // Act
        var result = await LodgeCli.RunAsync("demo", "--share", share, "--tcg");

        // Assert
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("Demo passed", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"share={share}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("boot to user space (TCG)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "demo"));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_press_ctrl_c_during_the_demo_and_QEMU_and_virtiofsd_are_stopped()
    {
        // Arrange: the demo over virtiofs (QEMU and virtiofsd), interrupted once QEMU answers QMP.
        var log = Path.Combine(fixture.Root, "demo-sigint.log");
        var demo = LodgeCli.Start(log, "demo", "--share", "virtiofs", "--tcg");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (new Lodge.Linux.Runtime.GuestStateStore(fixture.Roots).Read("demo") is not { Phase: Lodge.Linux.Runtime.GuestPhase.Running, Qemu: not null })
        {
            Assert.False(demo.Exited.IsCompleted, File.ReadAllText(log));
            Assert.True(clock.Elapsed < Patience.Event, "The demo's QEMU never ran.");
            await Task.Delay(50);
        }

        var running = await LodgeProcesses.OfAsync(fixture, "demo");
        Assert.Contains(running, p => p.Contains("qemu-system", StringComparison.Ordinal));
        Assert.Contains(running, p => p.Contains("virtiofsd", StringComparison.Ordinal));

        // Act
        demo.Signal(2);
        var exit = await demo.Exited.WaitAsync(Patience.Event);

        // Assert
        var output = File.ReadAllText(log);
        Assert.True(exit.ExitCode == 3, output);
        Assert.Contains("Interrupted: the demo stopped 'demo' and its helpers.", output, StringComparison.Ordinal);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "demo"));
    }
}
