namespace Lodge.Core.Handoff;

/// <summary>What happened to one step: the <c>outcome</c> of the <c>--simulate</c> JSON.</summary>
public enum StepOutcome
{
    /// <summary>Applied and still applied.</summary>
    Done,

    /// <summary>The host refused it; nothing changed.</summary>
    Failed,

    /// <summary>It did not finish in time and was abandoned (its undo was attempted).</summary>
    TimedOut,

    /// <summary>Applied, then undone (the way back or a rollback).</summary>
    Undone,
}
