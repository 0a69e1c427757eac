using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary><c>lodge rescue</c>: reads the journal and undoes, in reverse, every step a dead or stuck handoff left applied.</summary>
/// <remarks>
/// A step counts as applied when its <c>begin</c> record is there and neither <c>failed</c> nor <c>undone</c> follows
/// (a step that began and never finished may have landed, so it is undone too; every undo is harmless when its step
/// did not happen). Undoing the guest's start stops the guest. After a full undo the journal ends with <c>clean</c>,
/// so a second run changes nothing: rescue is idempotent.
/// <para>A journal whose status is <see cref="JournalStatus.Unknown"/> (damaged lines, an unreadable first line or
/// file) is undone as far as it can be read, never marked clean, and the report says what to check by hand; a second
/// run finds nothing left to undo and says the same again.</para>
/// </remarks>
public sealed class HandoffRescue(HandoffHost host, HandoffJournal journal)
{
    /// <summary>Undoes what the journal shows applied; returns the steps it undid (empty when the journal was clean).</summary>
    /// <param name="afterBoot">True at boot: the reboot already reset bindings, overrides and modules, so an undo that
    /// fails (unloading vfio-pci that is not loaded) is reported and tolerated, and the journal ends clean. A wedged
    /// device (a kernel write that never returned) is free again after the reboot; the display manager is not started
    /// (boot ordering starts it after rescue). Without a reboot, a journal that records a wedge is left alone.</param>
    public async Task<HandoffReport> RunAsync(bool afterBoot = false)
    {
        var reading = journal.Inspect();
        var problems = new List<string>();
        if (reading.IsClean)
        {
            return new HandoffReport([], [HandoffState.Returned], false, problems);
        }

        using var held = journal.TryLock();
        if (held is null)
        {
            // A live handoff is still taking (or giving back) its steps: undoing them now would fight it.
            var message = $"A handoff is running right now (a lodge process holds '{journal.LockPath}'), so nothing was touched. Stop its guest with 'lodge down NAME' (the GPU comes back with it), or end that process and run 'lodge rescue' again.";
            host.Log(message);
            problems.Add(message);
            return new HandoffReport([], [HandoffState.NeedsRescue], false, problems);
        }

        var entries = reading.Entries;
        // A wedge lasts while the process whose write is stuck lives (the kernel lets it go only when the write returns);
        // a wedge recorded without its writer lasts until a reboot.
        var wedges = entries.Where(e => e.Event == JournalEntry.Wedged && e.Detail is not null).ToList();
        var wedged = wedges.Where(e => !WriterGone(e.Writer)).Select(e => e.Detail!).Distinct(StringComparer.Ordinal).ToList();
        foreach (var over in wedges.Where(e => WriterGone(e.Writer)).Select(e => e.Detail!).Distinct(StringComparer.Ordinal).Except(wedged, StringComparer.Ordinal))
        {
            host.Log($"The stuck kernel write to '{over}' has returned (the process that made it is gone): giving back what is left.");
        }

        if (wedged.Count > 0 && !afterBoot)
        {
            // The stuck write still holds the device's lock: any undo touching it would block as well. Only a reboot frees it.
            var message = $"A kernel write to '{string.Join("', '", wedged)}' never returned, so nothing can be given back before a reboot. Reboot: at boot, lodge-rescue.service finishes giving the GPU back.";
            host.Log(message);
            problems.Add(message);
            return new HandoffReport([], [HandoffState.NeedsRescue], false, problems);
        }

        var begun = new List<HandoffStep>();
        var finished = new HashSet<int>();
        var reported = new HashSet<int>();
        var outcomes = new Dictionary<int, StepResult>();
        foreach (var e in entries)
        {
            if (e.Event == JournalEntry.Begin && e.Index is { } i && e.Undo is { } undo)
            {
                begun.RemoveAll(s => s.Index == i);
                begun.Add(new HandoffStep(i, e.Name ?? $"step {i}", HandoffOperation.None, undo, e.Timeout ?? TimeSpan.FromSeconds(30)));
                outcomes[i] = new StepResult(i, e.Name ?? $"step {i}", StepOutcome.Done);
            }
            else if (e.Event is JournalEntry.Failed or JournalEntry.Undone && e.Index is { } j)
            {
                finished.Add(j);
            }
            else if (e.Event is JournalEntry.Done or JournalEntry.TimedOut && e.Index is { } k)
            {
                reported.Add(k);
            }
        }

        // A step that began but never reported back (or timed out) may not have happened: its undo may fail.
        var interrupted = begun.Select(s => s.Index).Where(i => !reported.Contains(i) || entries.Any(e => e.Index == i && e.Event == JournalEntry.TimedOut)).ToHashSet();
        var pending = begun.Where(s => !finished.Contains(s.Index)).ToList();
        if (afterBoot)
        {
            // At boot the display manager starts by the normal ordering after rescue: rescue never starts it and waits.
            // The reboot reset every binding: an unbind (from vfio-pci) would now take the device from its own driver.
            pending = [.. pending.Select(s => s.Undo.Kind is HandoffOperationKind.StartDisplayManager or HandoffOperationKind.Unbind ? s with { Undo = HandoffOperation.None } : s)];
        }

        var known = reading.Status != JournalStatus.Unknown;
        host.Log($"Rescue: undoing {pending.Count} step(s) left applied in '{journal.Path}'.");
        var clean = pending.Count == 0 && known;
        if (pending.Count > 0)
        {
            // A write of this rescue that never returns wedges its device as in the handoff: nothing touches it again,
            // the rest is undone, and the journal stays not clean (the wedge records this rescue's writer).
            var users = host.LoadedModules()?.ToDictionary(m => m.Name, m => m.UsedBy, StringComparer.Ordinal);
            var wedge = new Wedge([], Touches(pending, reading.Gpu, host.ReadBack?.DriverModules(), users));
            clean = await HandoffExecutor.UndoAsync(new HandoffOperationRunner(host), journal, pending, outcomes, problems, host.Log, afterBoot, interrupted, markClean: known, wedged: wedge, gpu: reading.Gpu).ConfigureAwait(false);
        }
        else if (known)
        {
            journal.Append(new JournalEntry(JournalEntry.Clean));
        }

        var undone = pending.Select(s => outcomes[s.Index]).OrderBy(r => r.Index).ToList();
        return new HandoffReport(undone, [clean && known ? HandoffState.Returned : HandoffState.NeedsRescue], false, problems, known ? null : reading.Reason);
    }

    private bool WriterGone(string? writer) =>
        writer?.Split(' ') is [var pid, var start]
        && int.TryParse(pid, System.Globalization.CultureInfo.InvariantCulture, out var p)
        && long.TryParse(start, System.Globalization.CultureInfo.InvariantCulture, out var t)
        && !host.WriterAlive(p, t);

    // What touches a device a rescue's write got stuck on: the handoff's rule (HandoffPlan.Touches) over the devices and
    // drivers the journal's undos name.
    private static Func<HandoffOperation, HandoffOperation, bool> Touches(IReadOnlyList<HandoffStep> pending, string? gpu, IReadOnlyDictionary<string, string>? modules, IReadOnlyDictionary<string, IReadOnlyList<string>>? users)
    {
        var originals = new Dictionary<Core.Hardware.PciAddress, string?>();
        foreach (var undo in pending.Select(s => s.Undo))
        {
            if (Core.Hardware.PciAddress.TryParse(undo.Target, out var a) && (undo.Kind == HandoffOperationKind.ProbeDrivers || !originals.ContainsKey(a)))
            {
                originals[a] = undo.Kind == HandoffOperationKind.ProbeDrivers ? undo.Value : originals.GetValueOrDefault(a);
            }
        }

        var first = Core.Hardware.PciAddress.TryParse(gpu, out var g) ? g : originals.Keys.FirstOrDefault();
        var plan = new HandoffPlan("rescue", first, Core.Machines.GpuMode.Handoff, [.. originals.Keys], originals, [], [], []) 
        {
            DriverModules = modules ?? new Dictionary<string, string>(StringComparer.Ordinal),
            ModuleUsers = users ?? new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal),
        };
        return plan.Touches;
    }
}
