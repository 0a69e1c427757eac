using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary>What a journal still has applied: the steps <see cref="HandoffRescue"/> would undo, read without touching the host.</summary>
/// <remarks>The rescue's rule: a step counts as applied when its <c>begin</c> record is there and neither <c>failed</c> nor
/// <c>undone</c> follows it (a step that began and never finished may have landed). <c>lodge status</c> shows them.</remarks>
public static class JournalPending
{
    /// <summary>The steps left applied, in the order they were taken (the rescue undoes them in reverse).</summary>
    public static IReadOnlyList<HandoffStep> Steps(JournalReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (reading.IsClean)
        {
            return [];
        }

        var begun = new List<HandoffStep>();
        var finished = new HashSet<int>();
        foreach (var e in reading.Entries)
        {
            if (e.Event == JournalEntry.Begin && e.Index is { } i && e.Undo is { } undo)
            {
                begun.RemoveAll(s => s.Index == i);
                begun.Add(new HandoffStep(i, e.Name ?? $"step {i}", HandoffOperation.None, undo, e.Timeout ?? TimeSpan.FromSeconds(30)));
            }
            else if (e.Event is JournalEntry.Failed or JournalEntry.Undone && e.Index is { } j)
            {
                finished.Add(j);
            }
        }

        return [.. begun.Where(s => !finished.Contains(s.Index))];
    }
}
