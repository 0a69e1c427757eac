using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary><c>lodge rescue</c>: reads the journal and undoes, in reverse, every step a dead or stuck handoff left applied.</summary>
/// <remarks>
/// A step counts as applied when its <c>begin</c> line is there and neither <c>failed</c> nor <c>undone</c> follows
/// (a step that began and never finished may have landed, so it is undone too; every undo is harmless when its step
/// did not happen). Undoing the guest's start stops the guest. A clean journal means there is nothing to do, so a
/// second run changes nothing: rescue is idempotent.
/// </remarks>
public sealed class HandoffRescue(HandoffHost host, HandoffJournal journal)
{
    /// <summary>Undoes what the journal shows applied; returns the steps it undid (empty when the journal was clean).</summary>
    /// <param name="afterBoot">True at boot: the reboot already reset bindings, overrides and modules, so an undo that
    /// fails (unloading vfio-pci that is not loaded) is reported and tolerated, and the journal ends clean.</param>
    public async Task<HandoffReport> RunAsync(bool afterBoot = false)
    {
        var entries = journal.Read();
        var problems = new List<string>();
        if (entries.Count == 0 || entries[^1].Event == JournalEntry.Clean)
        {
            return new HandoffReport([], [HandoffState.Returned], false, problems);
        }

        var begun = new List<HandoffStep>();
        var finished = new HashSet<int>();
        var outcomes = new Dictionary<int, StepResult>();
        foreach (var e in entries)
        {
            if (e.Event == JournalEntry.Begin && e.Index is { } i && e.Undo is { } undo)
            {
                begun.Add(new HandoffStep(i, e.Name ?? $"step {i}", HandoffOperation.None, undo, e.Timeout ?? TimeSpan.FromSeconds(30)));
                outcomes[i] = new StepResult(i, e.Name ?? $"step {i}", StepOutcome.Done);
            }
            else if (e.Event is JournalEntry.Failed or JournalEntry.Undone && e.Index is { } j)
            {
                finished.Add(j);
            }
            else if (e.Event == JournalEntry.TimedOut && e.Index is { } k)
            {
                outcomes[k] = outcomes[k] with { Outcome = StepOutcome.TimedOut };
            }
        }

        // A step that began but never reported back was interrupted: its undo is attempted and allowed to fail.
        foreach (var s in begun.Where(s => !entries.Any(e => e.Index == s.Index && e.Event == JournalEntry.Done)))
        {
            outcomes[s.Index] = outcomes[s.Index] with { Outcome = StepOutcome.TimedOut };
        }

        var pending = begun.Where(s => !finished.Contains(s.Index)).ToList();
        host.Log($"Rescue: undoing {pending.Count} step(s) left applied in '{journal.Path}'.");
        var clean = await HandoffExecutor.UndoAsync(new HandoffOperationRunner(host), journal, pending, outcomes, problems, host.Log, afterBoot).ConfigureAwait(false);
        var undone = pending.Select(s => outcomes[s.Index]).OrderBy(r => r.Index).ToList();
        return new HandoffReport(undone, [clean ? HandoffState.Returned : HandoffState.NeedsRescue], false, problems);
    }
}
