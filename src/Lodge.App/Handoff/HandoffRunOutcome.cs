using Lodge.Core.Handoff;
using Lodge.Linux.Handoff;
using Lodge.Core.Reports;

namespace Lodge.App.Handoff;

/// <summary>How a real handoff ended: what the executor did, what differs from the host before, and what was recorded.</summary>
/// <param name="Plan">The plan that ran.</param>
/// <param name="Report">The executor's report (steps, problems, final state).</param>
/// <param name="Diff">Every difference between the host after and before; empty when the host is as it was.</param>
/// <param name="Result">What the outcome database recorded.</param>
/// <param name="JournalPath">The handoff journal (what <c>lodge rescue</c> reads).</param>
public sealed record HandoffRunOutcome(HandoffPlan Plan, HandoffReport Report, IReadOnlyList<string> Diff, ReportResult Result, string JournalPath)
{
    /// <summary>True when the host did not get everything back (the journal keeps the rest for <c>lodge rescue</c>).</summary>
    public bool NeedsRescue => Report.State == HandoffState.NeedsRescue || Diff.Count > 0;
}
