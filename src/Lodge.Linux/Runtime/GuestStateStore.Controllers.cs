using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Runtime;
using Lodge.Linux.Handoff;

namespace Lodge.Linux.Runtime;

/// <summary>A machine's <c>[[usb]] controller</c> entries: bound to vfio-pci before its QEMU starts (any GPU mode), given
/// back by <see cref="Clean"/> (every way a guest stops), by <c>lodge rescue</c> and at boot.</summary>
public sealed partial class GuestStateStore
{
    /// <summary>Receives the log lines of the controllers' steps (the runtime points it at its progress).</summary>
    public Action<string> Log { get; set; } = _ => { };

    /// <summary>The journal of one machine's passed controllers: <c>{StateRoot}/NAME/controllers.journal</c>.</summary>
    public string ControllerJournalPath(string machine) => Path.Combine(Roots.StateDir(machine), ControllerHandoff.JournalName);

    /// <summary>Plans the spec's controllers against the host as it is now and gives them to vfio-pci.</summary>
    /// <exception cref="Core.InvalidStateException">The plan refuses (a shared IOMMU group, a disk the host uses, the only keyboard).</exception>
    /// <exception cref="Host.HostWriteException">A step failed; the applied ones were undone.</exception>
    public async Task BindControllersAsync(LaunchSpec spec, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var devices = spec.UsbControllers.Select(PciAddress.Parse).ToList();
        var request = new ControllerHandoffRequest(spec.Machine, devices, spec.HostKeyboardGiven, _controllers.DisksInUse(devices));
        var plan = ControllerHandoffPlanner.Plan(_controllers.Scan(), request);
        foreach (var warning in plan.Warnings)
        {
            progress?.Report($"Warning: {warning}");
        }

        await ControllerHandoffOf(spec.Machine, line => progress?.Report(line)).BindAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives the machine's controllers back to their drivers when its journal shows them bound; its QEMU must be gone.</summary>
    /// <returns>The steps undone (empty when nothing was bound) and whether nothing is left.</returns>
    public async Task<(HandoffReport Report, bool Clean)> ReleaseControllersAsync(string machine, bool afterBoot = false)
    {
        var handoff = ControllerHandoffOf(machine, Log);
        var report = await handoff.ReleaseAsync(afterBoot).ConfigureAwait(false);
        return (report, handoff.Journal.IsClean);
    }

    /// <summary>The machines whose controllers.journal is still there (bound, or an undo that failed), live or not.</summary>
    public IReadOnlyList<string> MachinesWithControllers() =>
        Directory.Exists(Roots.StateRoot)
            ? [.. Directory.EnumerateDirectories(Roots.StateRoot).Where(d => File.Exists(Path.Combine(d, ControllerHandoff.JournalName))).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
            : [];

    private ControllerHandoff ControllerHandoffOf(string machine, Action<string> log) =>
        new(_controllers.Host(log), new HandoffJournal(ControllerJournalPath(machine)));
}
