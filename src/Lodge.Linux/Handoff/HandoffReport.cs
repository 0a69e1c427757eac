using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary>What a handoff (or a rescue) did: each attempted step's outcome, the final state, and what went wrong.</summary>
/// <param name="Steps">The steps that were attempted, in plan order.</param>
/// <param name="States">Every state the handoff passed through.</param>
/// <param name="WatchdogFired">True when the guest never showed it was healthy and was stopped.</param>
/// <param name="Problems">Failures and tolerated undo failures, as sentences.</param>
/// <param name="Unknown">For a rescue: why the journal could not tell what was applied (then nothing is claimed about the host); null when it could.</param>
public sealed record HandoffReport(IReadOnlyList<StepResult> Steps, IReadOnlyList<HandoffState> States, bool WatchdogFired, IReadOnlyList<string> Problems, string? Unknown = null)
{
    /// <summary>The final state.</summary>
    public HandoffState State => States[^1];
}
