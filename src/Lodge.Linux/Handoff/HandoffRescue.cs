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
    /// fails (unloading vfio-pci that is not loaded) is reported and tolerated, and the journal ends clean.</param>
    public async Task<HandoffReport> RunAsync(bool afterBoot = false)
    {
        var reading = journal.Inspect();
        var problems = new List<string>();
        if (reading.IsClean)
        {
            return new HandoffReport([], [HandoffState.Returned], false, problems);
        }

        var entries = reading.Entries;
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
        var known = reading.Status != JournalStatus.Unknown;
        host.Log($"Rescue: undoing {pending.Count} step(s) left applied in '{journal.Path}'.");
        var clean = pending.Count == 0 && known;
        if (pending.Count > 0)
        {
            clean = await HandoffExecutor.UndoAsync(new HandoffOperationRunner(host), journal, pending, outcomes, problems, host.Log, afterBoot, interrupted, markClean: known).ConfigureAwait(false);
        }
        else if (known)
        {
            journal.Append(new JournalEntry(JournalEntry.Clean));
        }

        var undone = pending.Select(s => outcomes[s.Index]).OrderBy(r => r.Index).ToList();
        return new HandoffReport(undone, [clean && known ? HandoffState.Returned : HandoffState.NeedsRescue], false, problems, known ? null : reading.Reason);
    }
}
