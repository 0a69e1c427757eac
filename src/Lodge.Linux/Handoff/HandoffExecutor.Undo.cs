using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary>The way back and the rollback: undo applied steps in reverse, best effort, journaling each.</summary>
public sealed partial class HandoffExecutor
{
    // Returns true when every undo succeeded or was allowed to fail; then the journal is marked clean (unless told not to:
    // a rescue of a damaged journal cannot know that nothing else is applied). A step in interrupted (begun, never
    // reported back) may not have happened, so its undo may fail.
    internal static async Task<bool> UndoAsync(HandoffOperationRunner runner, HandoffJournal journal, IReadOnlyList<HandoffStep> applied, IDictionary<int, StepResult> results, List<string> problems, Action<string> log, bool tolerateAll = false, IReadOnlySet<int>? interrupted = null, bool markClean = true)
    {
        var clean = true;
        foreach (var step in applied.Reverse())
        {
            var timedOut = results.TryGetValue(step.Index, out var before) && before.Outcome == StepOutcome.TimedOut;
            var unsure = timedOut || (interrupted?.Contains(step.Index) ?? false);
            try
            {
                // Never cancelled: giving the GPU back must not be cut short.
                await runner.RunAsync(step.Undo, step.Timeout, CancellationToken.None).ConfigureAwait(false);
                journal.Append(new JournalEntry(JournalEntry.Undone, step.Index));
                results[step.Index] = new StepResult(step.Index, step.Name, timedOut ? StepOutcome.TimedOut : StepOutcome.Undone, before?.Error);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A timed-out step may never have happened, and a framebuffer may refuse to rebind (a kernel bug):
                // both are reported but do not keep the journal dirty, or rescue would retry them forever.
                var tolerated = step.Undo.MayFail || unsure || tolerateAll;
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

        return clean;
    }
}
