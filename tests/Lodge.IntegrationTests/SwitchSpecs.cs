using Lodge.App.Switching;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Linux.Handoff;
using Lodge.Linux.Runtime;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary><c>lodge switch</c>'s engine between two real TCG guests that share one simulated GPU: the executor hands the GPU
/// over once, <see cref="GuestSwitcher"/> moves it between guests, and the simulated kernel shows that the host got nothing
/// back in between, and everything back at the end.</summary>
public sealed class SwitchSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    private static readonly PciAddress Gpu = PciAddress.Parse("0000:06:00.0");

    private sealed class Rig : IDisposable
    {
        public SimulatedKernel Kernel { get; } = new(RepoPaths.Host("EADE3920D9"));

        public HostState Initial { get; }

        public HandoffJournal Journal { get; }

        public GuestSwitcher Switcher { get; }

        public Task<HandoffReport> Run { get; }

        public List<string> Lines { get; } = [];

        public Rig(GuestFixture fixture, string first)
        {
            Initial = Kernel.State();
            var runtime = new GuestRuntime(fixture.Roots);
            var request = new HandoffRequest(first, Gpu, GpuMode.Handoff, [], Kernel.DisplayManagerActive);
            var plan = HandoffPlanner.Plan(Kernel.ScanForHandoff(), request);
            Journal = new HandoffJournal(Path.Combine(fixture.Root, $"{first}.journal"));
            SwitchSlot Slot(string name)
            {
                // The slot the handoff's process builds: ACPI within the guest's timeout, its run-time USB devices from the run folder.
                var control = new RuntimeGuestControl(runtime, fixture.Spec(name)) { AcpiTimeout = TimeSpan.FromSeconds(30) };
                return SwitchSlots.Of(name, control, new GuestHealth(Patience.Event, TimeSpan.FromSeconds(1), control.IsRunningAsync), runtime);
            }

            void Log(string line)
            {
                lock (Lines)
                {
                    Lines.Add(line);
                }
            }

            Switcher = new GuestSwitcher(Slot(first), (name, _) => Task.FromResult(Slot(name)), Journal, plan.Steps[^1], Log, TimeProvider.System);
            Run = new HandoffExecutor(Kernel.HandoffHost(Switcher), Journal, new HandoffExecutorOptions { Health = Switcher.Health }).RunAsync(plan);
        }

        public string Driver => Kernel.ScanForHandoff().FindDevice(Gpu)!.Driver ?? "(none)";

        public void Dispose() => Kernel.Dispose();
    }

    private string Guest(string name, string? disk = null)
    {
        fixture.WriteSpec(name, "9p", fixture.NewShare(name), disk: disk);
        return name;
    }

    // A file that is not a qcow2 image: QEMU refuses to start with it.
    private string BrokenDisk(string name)
    {
        var path = Path.Combine(fixture.Root, $"{name}-broken.qcow2");
        File.Delete(path);
        File.WriteAllText(path, "this is not a qcow2 image\n");
        return path;
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_switch_the_GPU_from_one_TCG_guest_to_another_without_the_host_taking_it_back_in_between()
    {
        // Arrange
        var a = Guest("sw1a");
        var b = Guest("sw1b");
        using var rig = new Rig(fixture, a);
        await fixture.WaitForGuestAsync(a);
        var whileA = rig.Kernel.State();
        var actionsWhileA = rig.Kernel.Log.Count;

        // Act
        var result = await rig.Switcher.SwitchAsync(b, force: false).WaitAsync(Patience.Event);
        await fixture.WaitForGuestAsync(b);

        // Assert: b runs with the GPU, a is off, and the host did nothing at all in between
        Assert.True(result.Succeeded, $"{result.Message} {string.Join("\n", rig.Lines)}");
        Assert.Equal(b, rig.Switcher.Holder);
        Assert.Equal("vfio-pci", rig.Driver);
        Assert.Empty(rig.Kernel.State().DiffFrom(whileA));
        Assert.Equal(actionsWhileA, rig.Kernel.Log.Count);
        Assert.Null(new GuestStateStore(fixture.Roots).Refresh(a, out _));
        Assert.False(rig.Run.IsCompleted);
        Assert.Equal(JournalStatus.Pending, rig.Journal.Inspect().Status);

        // And when b powers off, the host gets everything back
        await new GuestRuntime(fixture.Roots).DownAsync(b, TimeSpan.FromSeconds(60), force: true);
        var report = await rig.Run.WaitAsync(Patience.Event);
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.Empty(rig.Kernel.State().DiffFrom(rig.Initial));
        Assert.True(rig.Journal.IsClean);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_switch_to_a_guest_that_fails_to_start_and_the_previous_guest_gets_the_GPU_back()
    {
        // Arrange: b's disk is not an image, so its QEMU exits at once
        var a = Guest("sw2a");
        var b = Guest("sw2b", BrokenDisk("sw2b"));
        using var rig = new Rig(fixture, a);
        await fixture.WaitForGuestAsync(a);
        var whileA = rig.Kernel.State();

        // Act
        var result = await rig.Switcher.SwitchAsync(b, force: false).WaitAsync(Patience.Event);
        await fixture.WaitForGuestAsync(a);

        // Assert
        Assert.Equal(SwitchOutcome.PreviousBack, result.Outcome);
        Assert.Contains($"'{b}' did not start with the GPU", result.Message, StringComparison.Ordinal);
        Assert.Equal(a, rig.Switcher.Holder);
        Assert.Equal("vfio-pci", rig.Driver);
        Assert.Empty(rig.Kernel.State().DiffFrom(whileA));
        Assert.NotNull(new GuestStateStore(fixture.Roots).Refresh(a, out _));
        Assert.False(rig.Run.IsCompleted);

        // A rescue now (lodge killed) would stop a, the guest the journal names last
        var lastBegin = rig.Journal.Inspect().Entries.Last(e => e.Event == JournalEntry.Begin);
        Assert.Equal(new HandoffOperation(HandoffOperationKind.StopGuest, a), lastBegin.Undo);

        await new GuestRuntime(fixture.Roots).DownAsync(a, TimeSpan.FromSeconds(60), force: true);
        var report = await rig.Run.WaitAsync(Patience.Event);
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.Empty(rig.Kernel.State().DiffFrom(rig.Initial));
        Assert.True(rig.Journal.IsClean);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_switch_when_both_guests_fail_and_the_host_gets_the_GPU_back_as_rescue_would()
    {
        // Arrange: b cannot start; a's disk is replaced by a broken file while a runs, so a cannot start again either
        var disk = Path.Combine(fixture.Root, "sw3a.qcow2");
        var a = Guest("sw3a", disk);
        var b = Guest("sw3b", BrokenDisk("sw3b"));
        using var rig = new Rig(fixture, a);
        await fixture.WaitForGuestAsync(a);
        Assert.Equal("vfio-pci", rig.Driver);
        File.Delete(disk);
        File.WriteAllText(disk, "not an image any more\n");

        // Act
        var result = await rig.Switcher.SwitchAsync(b, force: false).WaitAsync(Patience.Event);
        var report = await rig.Run.WaitAsync(Patience.Event);

        // Assert: no guest holds the GPU; the executor's way back gave the host everything back, journal clean
        Assert.Equal(SwitchOutcome.HostBack, result.Outcome);
        Assert.Null(rig.Switcher.Holder);
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.Empty(rig.Kernel.State().DiffFrom(rig.Initial));
        Assert.Equal("amdgpu", rig.Driver);
        Assert.True(rig.Journal.IsClean);
        Assert.Null(new GuestStateStore(fixture.Roots).Refresh(a, out _));
        Assert.Null(new GuestStateStore(fixture.Roots).Refresh(b, out _));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_switch_from_a_guest_with_a_usb_device_attached_at_run_time_that_the_next_guest_does_not_name_and_it_stays_behind()
    {
        // Arrange: a gets an emulated keyboard with 'lodge usb attach' (the real binary); b's definition names no USB device
        var a = Guest("sw4a");
        var b = Guest("sw4b");
        using var rig = new Rig(fixture, a);
        await fixture.WaitForGuestAsync(a);
        var attach = await LodgeCli.RunAsync("usb", "attach", a, "emulated:usb-kbd");
        Assert.True(attach.ExitCode == 0, attach.StandardError);

        // Act
        var result = await rig.Switcher.SwitchAsync(b, force: false).WaitAsync(Patience.Event);
        await fixture.WaitForGuestAsync(b);

        // Assert: the switch said the device goes back to the host, and b's QEMU does not have it
        Assert.True(result.Succeeded, $"{result.Message} {string.Join("\n", rig.Lines)}");
        lock (rig.Lines)
        {
            Assert.Contains("USB 'emulated:usb-kbd', attached to 'sw4a' with 'lodge usb attach', goes back to the host: 'sw4b''s definition does not name it.", rig.Lines);
        }

        var status = await LodgeCli.RunAsync("status", b, "--json");
        var usb = System.Text.Json.Nodes.JsonNode.Parse(status.StandardOutput)!["guests"]![0]!["usb"]!.AsArray().Select(x => (string?)x).ToList();
        Assert.DoesNotContain(usb, u => u!.Contains("usb-emulated-usb-kbd", StringComparison.Ordinal));

        await new GuestRuntime(fixture.Roots).DownAsync(b, TimeSpan.FromSeconds(60), force: true);
        Assert.Equal(HandoffState.Returned, (await rig.Run.WaitAsync(Patience.Event)).State);
        Assert.Empty(rig.Kernel.State().DiffFrom(rig.Initial));
    }
}

