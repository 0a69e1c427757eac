using Lodge.App;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Handoff;
using Lodge.Linux.Runtime;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

// [[usb]] controller through the commands, against the simulated kernel handed to the composition root
// (LodgeOptions.Controllers): 'lodge rescue' gives back the controller a guest left on vfio-pci when its lodge died, and
// 'lodge up' of a machine that passes one gives it to vfio-pci before QEMU and back when QEMU fails.
public sealed class UpControllerSpecs : IDisposable
{
    private static readonly PciAddress Xhci = PciAddress.Parse("0000:08:00.3"); // alone in IOMMU group 21 of EADE3920D9
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-up-controller-").FullName;
    private readonly SimulatedKernel _kernel = new(RepoPaths.Host("EADE3920D9"));
    private readonly HostState _initial;
    private readonly LodgeOptions _options;

    public UpControllerSpecs()
    {
        _initial = _kernel.State();
        _options = CliRun.Options with
        {
            Environment = CliRun.Environment(Roots),
            Controllers = _ => new ControllerEnvironment(_kernel.ScanForHandoff, _ => [], log => _kernel.HandoffHost(new SimulatedGuest(_kernel, []), log)),
        };
    }

    private RuntimeRoots Roots => new(Path.Combine(_dir, "run"), _dir);

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_get_back_a_controller_a_guest_left_on_vfio_pci_with_a_plain_lodge_rescue_and_a_second_rescue_does_nothing()
    {
        // Arrange: the controller went to vfio-pci for 'usb', then lodge and its QEMU died (only the journal knows)
        var plan = ControllerHandoffPlanner.Plan(_kernel.ScanForHandoff(), new ControllerHandoffRequest("usb", [Xhci], false, []));
        var journal = new HandoffJournal(Path.Combine(_dir, "usb", ControllerHandoff.JournalName));
        await new ControllerHandoff(_kernel.HandoffHost(new SimulatedGuest(_kernel, []), _ => { }), journal).BindAsync(plan);
        var bound = _kernel.ScanForHandoff().FindDevice(Xhci)?.Driver;

        // Act
        var rescue = await Task.Run(() => CliRun.RunWith(_options, "rescue", "--root", _kernel.Root));
        var again = await Task.Run(() => CliRun.RunWith(_options, "rescue", "--root", _kernel.Root));

        // Assert
        Assert.Equal("vfio-pci", bound);
        Assert.Equal(ExitCodes.Ok, rescue.ExitCode);
        Assert.Contains("Gave the controllers of 'usb' back to their drivers (5 step(s) undone).", rescue.Out, StringComparison.Ordinal);
        Assert.Empty(_kernel.State().DiffFrom(_initial));
        Assert.False(File.Exists(journal.Path));
        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.DoesNotContain("controllers", again.Out, StringComparison.Ordinal);
        Assert.Contains("Nothing to rescue", again.Out, StringComparison.Ordinal);
    }
}
