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

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_press_ctrl_c_while_a_handed_off_guest_runs_and_it_shuts_down_through_ACPI_before_the_GPU_comes_back_without_a_force()
    {
        // Arrange: the supervisor's Ctrl-C (GuestPowerOff) armed by the guest control, as HandoffService arms it.
        using var kernel = new SimulatedKernel(RepoPaths.Host("EADE3920D9"));
        var initial = kernel.State();
        fixture.WriteSpec("handoff-ctrlc", "9p", fixture.NewShare("handoff-ctrlc"));
        var runtime = new GuestRuntime(fixture.Roots);
        var guest = new RuntimeGuestControl(runtime, fixture.Spec("handoff-ctrlc"));
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var powerOff = new Lodge.App.Guests.GuestPowerOff(runtime, TimeSpan.FromSeconds(300), said.Enqueue);
        var armed = new Lodge.App.Handoff.PowerOffGuest(guest, powerOff, () => "handoff-ctrlc");
        var request = new HandoffRequest("handoff-ctrlc", PciAddress.Parse("0000:06:00.0"), GpuMode.Handoff, [], kernel.DisplayManagerActive);
        var plan = HandoffPlanner.Plan(kernel.ScanForHandoff(), request);
        var journal = new HandoffJournal(Path.Combine(fixture.Root, "handoff-ctrlc.journal"));
        var beforeStart = powerOff.Interrupt();

        // Act
        var run = new HandoffExecutor(kernel.HandoffHost(armed), journal, new HandoffExecutorOptions()).RunAsync(plan);
        await fixture.WaitForGuestAsync("handoff-ctrlc");
        var whileRunning = powerOff.Interrupt();
        var report = await run.WaitAsync(Patience.Event);
        await powerOff.Completion.WaitAsync(Patience.Event);
        var afterExit = powerOff.Interrupt();

        // Assert
        var lines = string.Join("\n", said);
        Assert.False(beforeStart);
        Assert.True(whileRunning);
        Assert.False(afterExit);
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.True(guest.Exit!.Clean, guest.Exit.Describe());
        Assert.Contains("Asking 'handoff-ctrlc' to power off through ACPI; waiting up to 300 s for it to shut down (shutdown_timeout). Press Ctrl-C again to force it off.", lines, StringComparison.Ordinal);
        Assert.DoesNotContain("Forcing", lines, StringComparison.Ordinal);
        Assert.DoesNotContain("did not shut down", lines, StringComparison.Ordinal);
        Assert.Contains("power button pressed", File.ReadAllText(Path.Combine(fixture.Roots.RunDir("handoff-ctrlc"), "serial.log")), StringComparison.Ordinal);
        Assert.True(journal.IsClean);
        Assert.Empty(kernel.State().DiffFrom(initial));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_stop_a_handoff_supervisor_whose_guest_ignores_ACPI_and_it_says_the_guest_did_not_shut_down_in_time_before_it_forces_it_off()
    {
        // Arrange: a BIOS machine with nothing to boot (the firmware never answers the power button), planned by the
        // application as 'lodge up' plans it, run inside a handoff of the simulated GPU; SIGTERM's power-off armed.
        var config = Directory.CreateDirectory(Path.Combine(fixture.Root, "machines-sigterm")).FullName;
        await File.WriteAllTextAsync(Path.Combine(config, "deafho.toml"), DeafBiosMachine.Toml(shutdownTimeout: 10));
        var lodge = Lodge.App.LodgeHost.Create(new Lodge.App.LodgeOptions { ConfigDir = config, ReportsDb = Path.Combine(fixture.Root, "sigterm-reports.db") });
        var guests = new Lodge.App.Guests.GuestService(lodge);
        var up = guests.Prepare(new Lodge.App.Guests.UpRequest("deafho", false, true, false), _ => { }, _ => { });
        using var kernel = new SimulatedKernel(RepoPaths.Host("EADE3920D9"));
        var initial = kernel.State();
        var guest = new RuntimeGuestControl(guests.Runtime, up.Spec);
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var powerOff = new Lodge.App.Guests.GuestPowerOff(guests.Runtime, TimeSpan.FromSeconds(up.Machine.Plan.Machine.ShutdownTimeoutSeconds), said.Enqueue);
        var armed = new Lodge.App.Handoff.PowerOffGuest(guest, powerOff, () => "deafho");
        var request = new HandoffRequest("deafho", PciAddress.Parse("0000:06:00.0"), GpuMode.Handoff, [], kernel.DisplayManagerActive);
        var plan = HandoffPlanner.Plan(kernel.ScanForHandoff(), request);
        var journal = new HandoffJournal(Path.Combine(fixture.Root, "handoff-sigterm.journal"));

        // Act
        var run = new HandoffExecutor(kernel.HandoffHost(armed), journal, new HandoffExecutorOptions()).RunAsync(plan);
        var limit = DateTime.UtcNow + Patience.Event;
        while (guest.Guest is null && !run.IsCompleted && DateTime.UtcNow < limit)
        {
            await Task.Delay(100);
        }

        var terminated = powerOff.Terminate();
        var report = await run.WaitAsync(Patience.Event);
        await powerOff.Completion.WaitAsync(Patience.Event);

        // Assert
        var lines = said.ToList();
        Assert.True(terminated, string.Join("\n", lines));
        Assert.Equal(
            [
                "Asking 'deafho' to power off through ACPI; waiting up to 10 s for it to shut down (shutdown_timeout), then forcing it off.",
                "'deafho' did not shut down within 10 s; forcing it off now.",
            ],
            lines);
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.NotNull(guest.Exit);
        Assert.True(journal.IsClean);
        Assert.Empty(kernel.State().DiffFrom(initial));
        Assert.False(File.Exists(fixture.Roots.StateFile("deafho")));
    }
}
