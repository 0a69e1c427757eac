using Lodge.App.Switching;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Linux.Handoff;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

// The switch's question before a force-off: a guest that ignores the power button keeps the GPU unless the user agreed.
public sealed class GuestSwitcherSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-switcher-").FullName;
    private readonly SimulatedKernel _kernel = new(RepoPaths.Host("EADE3920D9"));
    private readonly Dictionary<string, SimulatedGuest> _guests = [];

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    // A guest that never powers off through ACPI; a force-off stops it.
    private SwitchSlot Slot(string name, IReadOnlyList<PciAddress> endpoints)
    {
        var guest = _guests[name] = new SimulatedGuest(_kernel, endpoints) { Lifetime = null };
        return new SwitchSlot(name, guest, new GuestHealth(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(10), guest.IsHealthyAsync), TimeSpan.FromMilliseconds(200),
            (_, _) => Task.FromResult(false),
            ct => guest.StopAsync(name, ct));
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_switch_away_from_a_guest_that_ignores_the_power_button_only_with_force_and_without_it_nothing_changes()
    {
        // Arrange
        var initial = _kernel.State();
        var plan = HandoffPlanner.Plan(_kernel.ScanForHandoff(), new HandoffRequest("stubborn", PciAddress.Parse("0000:06:00.0"), GpuMode.Handoff, [], _kernel.DisplayManagerActive));
        var journal = new HandoffJournal(Path.Combine(_dir, "handoff.journal"));
        var lines = new List<string>();
        var switcher = new GuestSwitcher(Slot("stubborn", plan.Endpoints), (name, _) => Task.FromResult(Slot(name, plan.Endpoints)), journal, plan.Steps[^1], line => { lock (lines) { lines.Add(line); } }, TimeProvider.System);
        var run = new HandoffExecutor(_kernel.HandoffHost(switcher), journal).RunAsync(plan);
        while (switcher.Holder is null)
        {
            await Task.Delay(10);
        }

        var whileStubborn = _kernel.State();

        // Act
        var refused = await switcher.SwitchAsync("other", force: false);
        var stillRunning = _guests["stubborn"].Running;
        var forced = await switcher.SwitchAsync("other", force: true);

        // Assert
        Assert.Equal(SwitchOutcome.NeedsForce, refused.Outcome);
        Assert.Equal("stubborn", refused.Holder);
        Assert.Contains("'lodge switch other --force'", refused.Hint, StringComparison.Ordinal);
        Assert.True(stillRunning);
        Assert.Equal(SwitchOutcome.Switched, forced.Outcome);
        Assert.False(_guests["stubborn"].Running);
        Assert.True(_guests["other"].Running);
        Assert.Empty(_kernel.State().DiffFrom(whileStubborn));

        await _guests["other"].StopAsync("other");
        var report = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.Empty(_kernel.State().DiffFrom(initial));
        Assert.True(journal.IsClean);
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_switch_and_a_usb_device_attached_at_run_time_moves_only_when_the_next_guests_definition_names_it()
    {
        // Arrange: the first guest holds three devices given with 'lodge usb attach'; the next guest's definition names one
        // of them (in another spelling) and a port
        var plan = HandoffPlanner.Plan(_kernel.ScanForHandoff(), new HandoffRequest("desk", PciAddress.Parse("0000:06:00.0"), GpuMode.Handoff, [], _kernel.DisplayManagerActive));
        var journal = new HandoffJournal(Path.Combine(_dir, "handoff.journal"));
        var lines = new List<string>();
        SwitchSlot Polite(string name) => Slot(name, plan.Endpoints) with { Shutdown = async (_, ct) => { await _guests[name].StopAsync(name, ct); return true; } };
        var first = Polite("desk") with { HotPlugged = () => ["046d:c52b", "port:1-4.2", "emulated:usb-kbd"] };
        var machine = new MachineConfig("games", "games.toml") { Usb = [new UsbConfig("046D:C52B", null), new UsbConfig("port:3-1", null)] };
        var switcher = new GuestSwitcher(first, (name, _) => Task.FromResult(Polite(name) with { DefinedUsb = SwitchUsb.Defined(machine) }), journal, plan.Steps[^1], line => { lock (lines) { lines.Add(line); } }, TimeProvider.System);
        var run = new HandoffExecutor(_kernel.HandoffHost(switcher), journal).RunAsync(plan);
        while (switcher.Holder is null)
        {
            await Task.Delay(10);
        }

        // Act
        var result = await switcher.SwitchAsync("games", force: false);

        // Assert
        Assert.Equal(SwitchOutcome.Switched, result.Outcome);
        Assert.Equal(["046d:c52b", "port:3-1"], SwitchUsb.Defined(machine));
        Assert.Contains("USB '046d:c52b', attached to 'desk' with 'lodge usb attach', moves to 'games', whose definition names it.", lines);
        Assert.Contains("USB 'port:1-4.2', attached to 'desk' with 'lodge usb attach', goes back to the host: 'games''s definition does not name it.", lines);
        Assert.Contains("USB 'emulated:usb-kbd', attached to 'desk' with 'lodge usb attach', goes back to the host: 'games''s definition does not name it.", lines);

        await _guests["games"].StopAsync("games");
        Assert.Equal(HandoffState.Returned, (await run.WaitAsync(TimeSpan.FromSeconds(30))).State);
    }
}

