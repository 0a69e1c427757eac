using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Host;

namespace Lodge.Linux.Handoff;

/// <summary>The way back and the rollback: undo applied steps in reverse, best effort, journaling each.</summary>
public sealed partial class HandoffExecutor
{
    // Returns true when every undo succeeded or was allowed to fail; then the journal is marked clean (unless told not to:
    // a rescue of a damaged journal cannot know that nothing else is applied). A step in interrupted (begun, never
    // reported back) may not have happened, so its undo may fail.
    internal static async Task<bool> UndoAsync(HandoffOperationRunner runner, HandoffJournal journal, IReadOnlyList<HandoffStep> applied, IDictionary<int, StepResult> results, List<string> problems, Action<string> log, bool tolerateAll = false, IReadOnlySet<int>? interrupted = null, bool markClean = true, Wedge? wedged = null, string? gpu = null)
    {
        var clean = true;
        foreach (var step in applied.Reverse())
        {
            if (step.Undo.Kind == HandoffOperationKind.StartDisplayManager && !tolerateAll && DisplayManagerMustWait(runner, applied, wedged, gpu) is { } wait)
            {
                // Xorg on a GPU that is still on vfio-pci (or wedged) fails and the display manager restarts it over and
                // over (lab scenario 07: lightdm restarted more than 100 times); the boot rescue starts it after a reboot.
                log(wait);
                problems.Add(wait);
                journal.Append(new JournalEntry(JournalEntry.UndoFailed, step.Index, Detail: wait));
                results[step.Index] = new StepResult(step.Index, step.Name, StepOutcome.Done, wait);
                clean = false;
                continue;
            }

            var timedOut = results.TryGetValue(step.Index, out var before) && before.Outcome == StepOutcome.TimedOut;
            var unsure = timedOut || (interrupted?.Contains(step.Index) ?? false);
            if (wedged?.Touched(step.Undo) is { } device)
            {
                // The stuck write holds the device's lock: this undo would block as well. It waits for the boot rescue.
                var skip = $"Undo of step {step.Index} ({step.Name}) was not attempted: '{device}' is wedged (a kernel write to it never returned).";
                log(skip);
                problems.Add(skip);
                journal.Append(new JournalEntry(JournalEntry.UndoFailed, step.Index, Detail: skip));
                results[step.Index] = new StepResult(step.Index, step.Name, timedOut ? StepOutcome.TimedOut : StepOutcome.Done, skip);
                clean = false;
                continue;
            }

            try
            {
                // Never cancelled: giving the GPU back must not be cut short. A console's fallback (rebinding the GPU's
                // driver) never touches a wedged GPU.
                var undo = step.Undo.Rebind is { } r && wedged?.Touched(new HandoffOperation(HandoffOperationKind.ProbeDrivers, r.Gpu.ToString())) is not null ? step.Undo with { Value = null } : step.Undo;
                await runner.RunAsync(undo, step.UndoLimit, CancellationToken.None).ConfigureAwait(false);

                // The journal ends clean only when the kernel agrees: a write it took and did not act on is a failed undo.
                if (!tolerateAll && runner.Verify(step.Undo) is { } differs)
                {
                    throw new UndoNotTakenException(step.Undo.Target, $"The kernel did not act on the undo: {differs}");
                }

                journal.Append(new JournalEntry(JournalEntry.Undone, step.Index));
                results[step.Index] = new StepResult(step.Index, step.Name, timedOut ? StepOutcome.TimedOut : StepOutcome.Undone, before?.Error);
            }
            catch (Exception e) when (wedged is not null && IsStuckKernelWrite(e))
            {
                // An undo that never returns wedges its target too; later undos keep away from it.
                var message = $"Undo of step {step.Index} ({step.Name}) timed out: {e.Message}";
                log(message);
                problems.Add(message);
                wedged.Add(step.Undo);
                journal.Append(new JournalEntry(JournalEntry.Wedged, step.Index, Detail: step.Undo.Target, Writer: (e as HostWriteTimeoutException)?.WriterText));
                journal.Append(new JournalEntry(JournalEntry.UndoFailed, step.Index, Detail: e.Message));
                results[step.Index] = new StepResult(step.Index, step.Name, timedOut ? StepOutcome.TimedOut : StepOutcome.Done, e.Message);
                clean = false;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A timed-out step may never have happened, and a framebuffer may refuse to rebind (a kernel bug):
                // both are reported but do not keep the journal dirty, or rescue would retry them forever.
                // A read-back that disagrees is a fact about the kernel now, not a guess about a step that may not have run.
                // In a damaged journal (never marked clean) a write the kernel did not act on is reported, not retried by
                // every later rescue: what was really applied is unknown there.
                var tolerated = step.Undo.MayFail || ((unsure || tolerateAll) && e is not UndoNotTakenException) || (!markClean && e is UndoNotTakenException);
                var message = $"Undo of step {step.Index} ({step.Name}) failed{(tolerated ? " (tolerated)" : string.Empty)}: {e.Message}";
                log(message);
                problems.Add(message);
                if (tolerated)
                {
                    journal.Append(new JournalEntry(JournalEntry.Undone, step.Index, Detail: e.Message));
                    results[step.Index] = new StepResult(step.Index, step.Name, timedOut ? StepOutcome.TimedOut : StepOutcome.Undone, e.Message);
                }
                else
                {
                    journal.Append(new JournalEntry(JournalEntry.UndoFailed, step.Index, Detail: e.Message));
                    results[step.Index] = new StepResult(step.Index, step.Name, StepOutcome.Done, e.Message);
                    clean = false;
                }
            }
        }

        if (clean && markClean)
        {
            journal.Append(new JournalEntry(JournalEntry.Clean));
        }

        if (wedged is { Count: > 0 })
        {
            var message = $"A kernel write to '{string.Join("', '", wedged.Targets)}' never returned: only a reboot frees it. Reboot now; at boot, lodge-rescue.service gives back what is left.";
            log(message);
            problems.Add(message);
        }

        return clean;
    }

    // Why the display manager must not start yet: the GPU is wedged, or not back on the driver it had before the handoff.
    private static string? DisplayManagerMustWait(HandoffOperationRunner runner, IReadOnlyList<HandoffStep> applied, Wedge? wedged, string? gpu)
    {
        if (!PciAddress.TryParse(gpu, out var address))
        {
            return null;
        }

        var probe = new HandoffOperation(HandoffOperationKind.ProbeDrivers, address.ToString());
        if (wedged?.Touched(probe) is { } stuck)
        {
            return $"The display manager was not started: '{stuck}' is wedged (a kernel write to it never returned), and Xorg cannot use the GPU before a reboot.";
        }

        if (runner.ReadBack is not { } kernel || !kernel.HasDevice(address))
        {
            return null;
        }

        var host = applied.Select(s => s.Undo).FirstOrDefault(u => u.Kind == HandoffOperationKind.ProbeDrivers && u.Target == address.ToString() && u.Value is not null)?.Value;
        var now = kernel.DriverOf(address);
        return host is not null && now != host ? $"The display manager was not started: '{address}' is not back on '{host}' (the kernel shows {(now is null ? "no driver" : $"'{now}'")})."
            : host is null && now == "vfio-pci" ? $"The display manager was not started: '{address}' is still on 'vfio-pci'."
            : null;
    }

    // The undo's write returned, but reading the kernel back shows the fact not restored.
    private sealed class UndoNotTakenException(string target, string message) : HostWriteException(HostAction.Bind, target, message);
}
