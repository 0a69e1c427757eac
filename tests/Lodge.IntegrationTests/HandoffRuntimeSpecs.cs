using System.Globalization;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Linux.Handoff;
using Lodge.Linux.Runtime;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>The real guest side of a handoff: <see cref="RuntimeGuestControl"/> runs a TCG QEMU (no vfio device in its argv)
/// inside the executor, over the simulated kernel's GPU; the pid file rescue reads exists exactly while QEMU runs.</summary>
public sealed class HandoffRuntimeSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_hand_a_simulated_GPU_to_a_real_TCG_guest_and_get_it_back_when_the_guest_powers_off()
    {
        // Arrange
        using var kernel = new SimulatedKernel(RepoPaths.Host("EADE3920D9"));
        var initial = kernel.State();
        fixture.WriteSpec("handoff", "9p", fixture.NewShare("handoff"));
        var runtime = new GuestRuntime(fixture.Roots);
        var guest = new RuntimeGuestControl(runtime, fixture.Spec("handoff")) { AcpiTimeout = TimeSpan.FromSeconds(30) };
        var request = new HandoffRequest("handoff", PciAddress.Parse("0000:06:00.0"), GpuMode.Handoff, [], kernel.DisplayManagerActive);
        var plan = HandoffPlanner.Plan(kernel.ScanForHandoff(), request);
        var journal = new HandoffJournal(Path.Combine(fixture.Root, "handoff.journal"));
        var options = new HandoffExecutorOptions { Health = new GuestHealth(Patience.Event, TimeSpan.FromSeconds(1), guest.IsRunningAsync) };
        var pidFile = runtime.Store.PidFile("handoff");

        // Act
        var run = new HandoffExecutor(kernel.HandoffHost(guest), journal, options).RunAsync(plan);
        await fixture.WaitForGuestAsync("handoff");
        var pidWhileRunning = File.ReadAllText(pidFile).Trim();
        var healthy = await guest.IsRunningAsync();
        await guest.StopAsync("handoff");
        var report = await run.WaitAsync(Patience.Event);

        // Assert
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.False(report.WatchdogFired);
        Assert.True(healthy);
        Assert.Equal(guest.Guest!.Qemu.Pid.ToString(CultureInfo.InvariantCulture), pidWhileRunning);
        Assert.True(guest.Exit!.Clean, guest.Exit.Describe());
        Assert.False(File.Exists(pidFile));
        Assert.True(journal.IsClean);
        Assert.Empty(kernel.State().DiffFrom(initial));
    }
}
