namespace Lodge.Core.Handoff;

/// <summary>One step of a <see cref="HandoffPlan"/>: what it does, what undoes it, and how long either may take.</summary>
/// <param name="Index">1-based position in the plan (what <c>--fail-at N</c> counts).</param>
/// <param name="Name">A short name such as <c>unbind 0000:06:00.0 from amdgpu</c>.</param>
/// <param name="Timeout">How long the operation, and its undo, may take before it is abandoned.</param>
public sealed record HandoffStep(int Index, string Name, HandoffOperation Do, HandoffOperation Undo, TimeSpan Timeout);
