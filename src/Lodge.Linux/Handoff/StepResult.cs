using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary>One step and what became of it; <paramref name="Error"/> is the message of its failure or of its undo's failure.</summary>
public sealed record StepResult(int Index, string Name, StepOutcome Outcome, string? Error = null);
