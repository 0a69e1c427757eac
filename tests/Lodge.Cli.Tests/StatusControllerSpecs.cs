using System.Text.Json.Nodes;
using Lodge.App;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Handoff;
using Lodge.Linux.Runtime;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

// 'lodge status' shows a machine's controllers.journal that a guest left behind (its controller still on vfio-pci) and
// exactly what 'lodge rescue' will undo for it; once rescue ran, nothing is shown. Over the simulated kernel handed to
// the composition root, as 'lodge up' binds them (EADE3920D9: the xHCI at 08:00.3 is alone in IOMMU group 21).
public sealed class StatusControllerSpecs : IDisposable
{
    private static readonly PciAddress Xhci = PciAddress.Parse("0000:08:00.3");
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-status-controller-").FullName;
    private readonly SimulatedKernel _kernel = new(RepoPaths.Host("EADE3920D9"));
    private readonly LodgeOptions _options;

    public StatusControllerSpecs()
    {
        _options = CliRun.Options with
        {
            Environment = CliRun.Environment(Roots),
            Controllers = _ => new ControllerEnvironment(_kernel.ScanForHandoff, _ => [], log => _kernel.HandoffHost(new SimulatedGuest(_kernel, []), log)),
        };
    }

    private RuntimeRoots Roots => new(Path.Combine(_dir, "run"), _dir);

    private string JournalPath => Path.Combine(_dir, "usb", ControllerHandoff.JournalName);

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    // The console wraps long sentences at 120 columns: compare them as one line.
    private static string Flat(string console) => System.Text.RegularExpressions.Regex.Replace(console, @"\s+", " ");

    // The controller went to vfio-pci for 'usb' as 'lodge up' binds it, then lodge and its QEMU died: only the journal knows.
    private async Task<HandoffPlan> BindAndDieAsync()
    {
        var plan = ControllerHandoffPlanner.Plan(_kernel.ScanForHandoff(), new ControllerHandoffRequest("usb", [Xhci], false, []));
        await new ControllerHandoff(_kernel.HandoffHost(new SimulatedGuest(_kernel, []), _ => { }), new HandoffJournal(JournalPath)).BindAsync(plan);
        return plan;
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_see_a_controller_left_on_vfio_pci_in_status_with_what_rescue_will_undo_and_nothing_once_rescue_ran()
    {
        // Arrange
        var plan = await BindAndDieAsync();
        var undoes = plan.Steps.Reverse().Select(s => $"'{s.Name}'");

        // Act
        var status = await Task.Run(() => CliRun.RunWith(_options, "status", "usb"));
        var json = await Task.Run(() => CliRun.RunWith(_options, "status", "--json"));
        var rescue = await Task.Run(() => CliRun.RunWith(_options, "rescue", "--root", _kernel.Root));
        var after = await Task.Run(() => CliRun.RunWith(_options, "status", "usb"));
        var afterJson = await Task.Run(() => CliRun.RunWith(_options, "status", "--json"));

        // Assert: the sentence names the machine, the function, the journal and each step rescue undoes, last first
        Assert.Equal(ExitCodes.Ok, status.ExitCode);
        Assert.Contains($"Lodge still holds the controllers of 'usb' ('{Xhci}') on vfio-pci, but its guest is not running ('{JournalPath}'); 'lodge rescue' gives them back to their drivers by undoing {plan.Steps.Count} step(s): {string.Join("; ", undoes)}.", Flat(status.Console), StringComparison.Ordinal);
        var held = Assert.Single(JsonNode.Parse(json.Out)!["held"]!["controllers"]!.AsArray())!;
        Assert.Equal("usb", (string?)held["guest"]);
        Assert.False((bool)held["running"]!);
        Assert.Equal(new[] { Xhci.ToString() }, held["devices"]!.AsArray().Select(d => (string)d!));
        Assert.Equal(JournalPath, (string?)held["journal"]);
        Assert.Equal(plan.Steps.Reverse().Select(s => s.Name), held["rescueUndoes"]!.AsArray().Select(u => (string)u!));
        Assert.Null(held["damage"]);

        // ... and rescue does exactly that: the same number of steps, and then the host is as before and status is quiet
        Assert.Contains($"Gave the controllers of 'usb' back to their drivers ({plan.Steps.Count} step(s) undone).", rescue.Out, StringComparison.Ordinal);
        Assert.Equal("xhci_hcd", _kernel.ScanForHandoff().FindDevice(Xhci)?.Driver);
        Assert.DoesNotContain("controllers", after.Console, StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse(afterJson.Out)!["held"]!["controllers"]!.AsArray());
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_see_a_damaged_controllers_journal_in_status_with_exit_code_3()
    {
        // Arrange: a record in the middle of the journal no longer matches its checksum
        await BindAndDieAsync();
        var lines = File.ReadAllLines(JournalPath).ToList();
        lines[3] = lines[3].Replace("begin", "begun", StringComparison.Ordinal);
        File.WriteAllLines(JournalPath, lines);

        // Act
        var status = await Task.Run(() => CliRun.RunWith(_options, "status"));
        var json = await Task.Run(() => CliRun.RunWith(_options, "status", "--json"));

        // Assert
        Assert.True(status.ExitCode == ExitCodes.Error, string.Join("\n", lines) + "\n" + status.Console);
        Assert.Contains($"The controllers journal of 'usb' cannot be believed: Line(s) 4 of the journal '{JournalPath}' are damaged, so a step recorded there may still be applied. 'lodge rescue' undoes what it can read", Flat(status.Console), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Error, json.ExitCode);
        Assert.NotNull((string?)JsonNode.Parse(json.Out)!["held"]!["controllers"]![0]!["damage"]);
    }
}
