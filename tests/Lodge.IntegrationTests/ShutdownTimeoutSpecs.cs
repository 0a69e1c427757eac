using System.Collections.Concurrent;
using Lodge.App.Guests;
using Lodge.App.Handoff;
using Lodge.App.Switching;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Linux.Handoff;
using Lodge.Linux.Runtime;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>Issue 13: every stop of a guest that holds a GPU waits for ACPI as long as the machine's <c>shutdown_timeout</c>
/// allows (the watchdog's, a switch's, and Ctrl-C after a switch, which uses the guest that holds the GPU now). The guest
/// controls come from the production handoff environment, so the machine file's value is the one that counts. Real TCG
/// QEMU over the simulated GPU.</summary>
public sealed class ShutdownTimeoutSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    private static readonly PciAddress Gpu = PciAddress.Parse("0000:06:00.0");

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task The_watchdog_stops_a_guest_that_ignores_ACPI_only_after_its_shutdown_timeout_and_says_so_before_it_forces_it_off()
    {
        // Arrange: a BIOS machine that never answers the power button, with shutdown_timeout = 10, and a watchdog that
        // never sees it healthy.
        var (deaf, environment, said) = await DeafAsync("deafwd", shutdownTimeout: 10);
        using var kernel = new SimulatedKernel(RepoPaths.Host("EADE3920D9"));
        var initial = kernel.State();
        var plan = HandoffPlanner.Plan(kernel.ScanForHandoff(), Request("deafwd", kernel));
        var guest = (RuntimeGuestControl)environment.Guest(deaf.Spec, plan, deaf.Machine.Plan.Machine);
        var journal = new HandoffJournal(Path.Combine(fixture.Root, "deafwd.journal"));
        var options = new HandoffExecutorOptions { Health = new GuestHealth(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), _ => Task.FromResult(false)) };

        // Act
        var report = await new HandoffExecutor(kernel.HandoffHost(guest, said.Enqueue), journal, options).RunAsync(plan).WaitAsync(Patience.Event);

        // Assert
        var lines = said.ToList();
        var text = string.Join("\n", lines);
        var asked = lines.FindIndex(l => l == "Asking 'deafwd' to power off through ACPI; waiting up to 10 s for it to shut down (shutdown_timeout), then forcing it off.");
        var forced = lines.FindIndex(l => l == "'deafwd' did not shut down within 10 s; forcing it off now.");
        Assert.True(report.WatchdogFired, text);
        Assert.True(asked >= 0 && forced > asked, text);
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.True(journal.IsClean, text);
        Assert.Empty(kernel.State().DiffFrom(initial));
        Assert.Equal(TimeSpan.FromSeconds(10), guest.AcpiTimeout);
        Assert.NotNull(guest.Exit);
        Assert.True(guest.Guest!.Qemu.Exited.IsCompleted);
        Assert.False(File.Exists(fixture.Roots.StateFile("deafwd")));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task A_switch_waits_the_holders_own_shutdown_timeout_and_ctrl_c_after_the_switch_waits_the_new_guests()
    {
        // Arrange: the first guest ignores ACPI (shutdown_timeout = 10, from its machine file); the second answers it and
        // has a shutdown_timeout of its own (25 s).
        var (deaf, environment, said) = await DeafAsync("deafsw", shutdownTimeout: 10);
        fixture.WriteSpec("swto", "9p", fixture.NewShare("swto"));
        using var kernel = new SimulatedKernel(RepoPaths.Host("EADE3920D9"));
        var initial = kernel.State();
        var plan = HandoffPlanner.Plan(kernel.ScanForHandoff(), Request("deafsw", kernel));
        var journal = new HandoffJournal(Path.Combine(fixture.Root, "deafsw.journal"));
        var runtime = new GuestRuntime(fixture.Roots);
        var first = environment.Guest(deaf.Spec, plan, deaf.Machine.Plan.Machine);
        var lines = new ConcurrentQueue<string>();
        var switcher = new GuestSwitcher(
            SwitchSlots.Of("deafsw", first, null, runtime),
            (name, _) =>
            {
                var control = environment.Guest(fixture.Spec(name), plan with { Guest = name }, new MachineConfig(name, $"{name}.toml") { ShutdownTimeoutSeconds = 25 });
                return Task.FromResult(SwitchSlots.Of(name, control, new GuestHealth(Patience.Event, TimeSpan.FromSeconds(1), ((RuntimeGuestControl)control).IsRunningAsync), runtime, TimeSpan.FromSeconds(25)));
            },
            journal,
            plan.Steps[^1],
            lines.Enqueue,
            TimeProvider.System);
        var powerOff = new GuestPowerOff(runtime, TimeSpan.FromSeconds(deaf.Machine.Plan.Machine.ShutdownTimeoutSeconds), said.Enqueue);
        var armed = PowerOffGuest.For(switcher, powerOff, "deafsw", switcher);
        var run = new HandoffExecutor(kernel.HandoffHost(armed, said.Enqueue), journal, new HandoffExecutorOptions()).RunAsync(plan);
        await WaitAsync(() => switcher.Holder == "deafsw" && new GuestStateStore(fixture.Roots).Read("deafsw") is { Phase: GuestPhase.Running }, run);

        // Act: a switch without --force, then with it; then Ctrl-C while the new guest holds the GPU.
        var refused = await switcher.SwitchAsync("swto", force: false).WaitAsync(Patience.Event);
        var forcedSwitch = await switcher.SwitchAsync("swto", force: true).WaitAsync(Patience.Event);
        await fixture.WaitForGuestAsync("swto");
        var interrupted = powerOff.Interrupt();
        var report = await run.WaitAsync(Patience.Event);
        await powerOff.Completion.WaitAsync(Patience.Event);

        // Assert
        var switchLines = string.Join("\n", lines);
        var powerLines = string.Join("\n", said);
        Assert.Equal(SwitchOutcome.NeedsForce, refused.Outcome);
        Assert.Contains("Shutting 'deafsw' down through ACPI (it has 10 s) to give the GPU to 'swto'.", switchLines, StringComparison.Ordinal);
        Assert.Contains("'deafsw' did not power off within 10 s and still runs with the GPU; nothing else changed.", refused.Message, StringComparison.Ordinal);
        Assert.True(forcedSwitch.Succeeded, $"{forcedSwitch.Message}\n{switchLines}");
        Assert.Contains("'deafsw' did not power off within 10 s; forcing it off, as asked.", switchLines, StringComparison.Ordinal);
        Assert.True(interrupted, powerLines);
        Assert.Contains("Asking 'swto' to power off through ACPI; waiting up to 25 s for it to shut down (shutdown_timeout). Press Ctrl-C again to force it off.", powerLines, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting up to 10 s", powerLines, StringComparison.Ordinal);
        Assert.DoesNotContain("Forcing", powerLines, StringComparison.Ordinal);
        Assert.Contains("power button pressed", File.ReadAllText(Path.Combine(fixture.Roots.RunDir("swto"), "serial.log")), StringComparison.Ordinal);
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.True(journal.IsClean);
        Assert.Empty(kernel.State().DiffFrom(initial));
    }

    private static HandoffRequest Request(string guest, SimulatedKernel kernel) =>
        new(guest, Gpu, GpuMode.Handoff, [], kernel.DisplayManagerActive);

    // The deaf machine planned by the application as 'lodge up' plans it, and the production handoff environment whose
    // guest controls take the machine's shutdown_timeout.
    private async Task<(PreparedUp Up, HandoffEnvironment Environment, ConcurrentQueue<string> Said)> DeafAsync(string name, int shutdownTimeout)
    {
        var config = Directory.CreateDirectory(Path.Combine(fixture.Root, $"machines-{name}")).FullName;
        await File.WriteAllTextAsync(Path.Combine(config, $"{name}.toml"), DeafBiosMachine.Toml(shutdownTimeout));
        var lodge = Lodge.App.LodgeHost.Create(new Lodge.App.LodgeOptions { ConfigDir = config, ReportsDb = Path.Combine(fixture.Root, $"{name}-reports.db") });
        var guests = new GuestService(lodge);
        var up = guests.Prepare(new UpRequest(name, false, true, false), _ => { }, _ => { });
        var said = new ConcurrentQueue<string>();
        return (up, HandoffEnvironment.Production(lodge, guests.Runtime, said.Enqueue), said);
    }

    private static async Task WaitAsync(Func<bool> condition, Task run)
    {
        var limit = DateTime.UtcNow + Patience.Event;
        while (!condition())
        {
            Assert.False(run.IsCompleted, "the handoff ended before the guest ran");
            Assert.True(DateTime.UtcNow < limit, "the guest did not run in time");
            await Task.Delay(100);
        }
    }
}
