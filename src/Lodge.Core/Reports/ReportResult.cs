namespace Lodge.Core.Reports;

/// <summary>What happened: whether the guest started and became healthy, whether a handoff returned cleanly, and on
/// failure the failing step and its error text.</summary>
/// <param name="HandoffClean">null when there was no handoff.</param>
public sealed record ReportResult(bool Started, bool Healthy, bool? HandoffClean, string? FailedStep, string? Error)
{
    /// <summary>True when everything the attempt tried worked.</summary>
    public bool Succeeded => Started && Healthy && HandoffClean != false;
}
