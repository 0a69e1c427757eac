using Lodge.Core;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Handoff;
using Lodge.Linux.Host;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Handoff;

// [[usb]] controller: the controller goes to vfio-pci before the guest's QEMU starts and back to its driver after, over
// the simulated kernel (a copy of EADE3920D9: the xHCI at 08:00.3 is alone in IOMMU group 21, the one at 01:00.0 shares
// group 13 with the SATA controller and the network card).
public sealed class ControllerHandoffSpecs : IDisposable
{
    private static readonly PciAddress Alone = PciAddress.Parse("0000:08:00.3");
    private static readonly PciAddress Shared = PciAddress.Parse("0000:01:00.0");
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-controllers-").FullName;
    private readonly SimulatedKernel _kernel = new(RepoPaths.Host("EADE3920D9"));
    private readonly List<string> _log = [];

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string JournalPath => Path.Combine(_dir, "usb", ControllerHandoff.JournalName);

    private ControllerHandoff Handoff() =>
        new(_kernel.HandoffHost(new SimulatedGuest(_kernel, []), _log.Add), new HandoffJournal(JournalPath));

    private HandoffPlan Plan(PciAddress controller, bool hostKeyboard = false, IReadOnlyList<ControllerDiskUse>? disks = null, IReadOnlyList<InputDevice>? input = null)
    {
        var host = _kernel.ScanForHandoff() with { InputDevices = input ?? [] };
        return ControllerHandoffPlanner.Plan(host, new ControllerHandoffRequest("usb", [controller], hostKeyboard, disks ?? []) { Timeouts = HandoffTimeouts.All(TimeSpan.FromSeconds(5)) });
    }

    private string? DriverOf(PciAddress address) => _kernel.ScanForHandoff().FindDevice(address)?.Driver;

    [Fact(Timeout = 30000)]
    public async Task I_can_give_a_USB_controller_to_vfio_pci_and_get_it_back_on_xhci_hcd_with_nothing_left_behind()
    {
        // Arrange
        var before = _kernel.State();
        var plan = Plan(Alone);

        // Act
        await Handoff().BindAsync(plan);
        var (driver, vfioLoaded, journaled) = (DriverOf(Alone), _kernel.ScanForHandoff().Kernel.IsModuleLoaded("vfio_pci"), File.Exists(JournalPath));
        var report = await Handoff().ReleaseAsync();

        // Assert
        Assert.Equal(
            ["load vfio-pci", "load the vfio IOMMU backend", "unbind 0000:08:00.3 from xhci_hcd", "driver_override of 0000:08:00.3 = vfio-pci", "bind 0000:08:00.3 to vfio-pci"],
            plan.Steps.Select(s => s.Name));
        Assert.Equal(("vfio-pci", true, true), (driver, vfioLoaded, journaled));
        Assert.Equal(5, report.Steps.Count);
        Assert.Equal("xhci_hcd", DriverOf(Alone));
        Assert.Empty(_kernel.State().DiffFrom(before));
        Assert.False(File.Exists(JournalPath));
    }

    public static TheoryData<int> Steps() => [1, 2, 3, 4, 5];

    [Theory(Timeout = 30000)]
    [MemberData(nameof(Steps))]
    public async Task I_can_have_any_step_fail_and_get_the_host_back_as_it_was(int step)
    {
        // Arrange
        var before = _kernel.State();
        var plan = Plan(Alone);
        var op = plan.Step(step).Do;
        _kernel.FailOn(ActionOf(op.Kind), op.Target);

        // Act
        var error = await Record.ExceptionAsync(() => Handoff().BindAsync(plan));

        // Assert
        var failed = Assert.IsType<HostWriteException>(error);
        Assert.Contains($"Step {step} ({plan.Step(step).Name}) failed", failed.Message, StringComparison.Ordinal);
        Assert.Empty(_kernel.State().DiffFrom(before));
        Assert.False(File.Exists(JournalPath));
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_give_back_controllers_that_a_killed_lodge_left_on_vfio_pci_from_the_journal_alone()
    {
        // Arrange: bound, then the process that bound them is gone (only the journal knows)
        var before = _kernel.State();
        await Handoff().BindAsync(Plan(Alone));

        // Act: a later process (the next start, 'lodge rescue') reads the journal
        var first = await Handoff().ReleaseAsync();
        var second = await Handoff().ReleaseAsync();

        // Assert
        Assert.Equal(5, first.Steps.Count);
        Assert.Empty(second.Steps);
        Assert.Empty(_kernel.State().DiffFrom(before));
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_have_two_processes_give_the_same_controllers_back_at_once_and_no_journal_is_left()
    {
        // Arrange: the lab (6.1) had the foreground 'lodge up' and 'lodge down --force' clean the same guest together; the
        // second appended 'clean' to the journal the first had just deleted, leaving one that starts without its plan.
        var before = _kernel.State();
        await Handoff().BindAsync(Plan(Alone));

        // Act
        var both = await Task.WhenAll(Task.Run(() => Handoff().ReleaseAsync()), Task.Run(() => Handoff().ReleaseAsync()));

        // Assert: one undid the five steps, the other found nothing left
        Assert.Equal([0, 5], both.Select(r => r.Steps.Count).Order());
        Assert.All(both, r => Assert.Null(r.Unknown));
        Assert.False(File.Exists(JournalPath));
        Assert.Empty(_kernel.State().DiffFrom(before));
    }

    [Fact(Timeout = 30000)]
    public async Task I_get_a_refusal_and_no_change_for_a_controller_that_shares_its_IOMMU_group_with_devices_not_passed()
    {
        // Arrange
        var before = _kernel.State();
        var plan = Plan(Shared);

        // Act
        var error = await Record.ExceptionAsync(() => Handoff().BindAsync(plan));

        // Assert: the SATA controller and the network card would be taken from the host; the bridges may stay
        var refusal = Assert.Single(plan.Refusals); // one sentence naming every device the guest would take from the host
        Assert.Contains("its IOMMU group 13 also holds '0000:01:00.1' (driver 'ahci') and '0000:03:00.0' (driver 'r8169'), which the machine does not pass", refusal, StringComparison.Ordinal);
        Assert.IsType<InvalidStateException>(error);
        Assert.Empty(_kernel.State().DiffFrom(before));
        Assert.False(File.Exists(JournalPath));
    }

    [Fact]
    public void I_get_a_refusal_for_a_controller_with_a_disk_the_host_uses_and_no_setting_overrides_it()
    {
        // Act
        var plan = Plan(Alone, hostKeyboard: true, disks: [new ControllerDiskUse(Alone, "sda", "mounted at '/'")]);

        // Assert
        var refusal = Assert.Single(plan.Refusals);
        Assert.Equal("Cannot give '0000:08:00.3' to the guest 'usb': the host's disk 'sda' hangs off it and is in use (mounted at '/'); taking the controller would pull the disk from under the host.", refusal);
    }

    [Fact]
    public void I_get_a_refusal_when_the_controller_holds_every_keyboard_of_the_host_unless_the_machine_says_host_keyboard()
    {
        // Arrange
        InputDevice Keyboard(string name, PciAddress? controller) => new(name, "event3", [], null, IsKeyboard: true, IsMouse: false, controller is null ? null : "3-1", controller);
        var onlyOne = new[] { Keyboard("QEMU USB Keyboard", Alone) };
        var twoOfThem = new[] { Keyboard("QEMU USB Keyboard", Alone), Keyboard("AT Translated Set 2 keyboard", null) };

        // Act
        var refused = Plan(Alone, input: onlyOne);
        var given = Plan(Alone, hostKeyboard: true, input: onlyOne);
        var another = Plan(Alone, input: twoOfThem);

        // Assert
        Assert.Equal("Cannot give '0000:08:00.3' to the guest 'usb': every keyboard of the host ('QEMU USB Keyboard') hangs off it, so the host would have none while the guest runs; add host_keyboard = true to that [[usb]] entry if that is meant.", Assert.Single(refused.Refusals));
        Assert.True(given.CanRun);
        Assert.Contains(given.Warnings, w => w.Contains("host_keyboard = true", StringComparison.Ordinal));
        Assert.True(another.CanRun);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_leave_a_controller_already_on_vfio_pci_as_it_is()
    {
        // Arrange: bound at boot (lodge setup), before the guest
        await Handoff().BindAsync(Plan(Alone));
        File.Move(JournalPath, JournalPath + ".boot");
        var before = _kernel.State();

        // Act
        var plan = Plan(Alone);
        await Handoff().BindAsync(plan);
        await Handoff().ReleaseAsync();

        // Assert
        Assert.Empty(plan.Steps);
        Assert.Contains(plan.Warnings, w => w.Contains("on vfio-pci already", StringComparison.Ordinal));
        Assert.Equal("vfio-pci", DriverOf(Alone));
        Assert.Empty(_kernel.State().DiffFrom(before));
    }

    private static HostAction ActionOf(HandoffOperationKind kind) => kind switch
    {
        HandoffOperationKind.LoadModule => HostAction.LoadModule,
        HandoffOperationKind.Unbind => HostAction.Unbind,
        HandoffOperationKind.SetDriverOverride => HostAction.SetDriverOverride,
        HandoffOperationKind.ProbeDrivers => HostAction.ProbeDrivers,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
