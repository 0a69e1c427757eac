namespace Lodge.Core.Handoff;

/// <summary>One step of a <see cref="HandoffPlan"/>: what it does, what undoes it, and how long either may take.</summary>
/// <param name="Index">1-based position in the plan (what <c>--fail-at N</c> counts).</param>
/// <param name="Name">A short name such as <c>unbind 0000:06:00.0 from amdgpu</c>.</param>
/// <param name="Timeout">How long the operation, and its undo (unless <see cref="UndoTimeout"/> says otherwise), may take before it is abandoned.</param>
public sealed record HandoffStep(int Index, string Name, HandoffOperation Do, HandoffOperation Undo, TimeSpan Timeout)
{
    /// <summary>How long the undo may take, when that differs from <see cref="Timeout"/>; this is what the journal records for
    /// the rescue. The simulation cuts a hung step's own limit short (the operation never returns, so waiting longer shows
    /// nothing more) and keeps its undo's full limit here.</summary>
    public TimeSpan? UndoTimeout { get; init; }

    /// <summary>The undo's limit: <see cref="UndoTimeout"/>, else <see cref="Timeout"/>.</summary>
    public TimeSpan UndoLimit => UndoTimeout ?? Timeout;
}
