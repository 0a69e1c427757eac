namespace Lodge.Core.Planning;

/// <summary>One concrete decision of a plan: what was chosen and, in one sentence, why.</summary>
/// <param name="Topic">A short stable name such as <c>gpu</c>, <c>firmware</c>, <c>pinning</c>.</param>
/// <param name="Choice">What the plan does, e.g. <c>0000:01:00.0, 0000:01:00.1</c>.</param>
/// <param name="Reason">One full sentence.</param>
public sealed record PlanDecision(string Topic, string Choice, string Reason);
