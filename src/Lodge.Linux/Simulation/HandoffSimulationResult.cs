using Lodge.Core.Handoff;
using Lodge.Linux.Handoff;

namespace Lodge.Linux.Simulation;

/// <summary>The outcome of a simulated handoff: every attempted step, and whether the host ended as it started.</summary>
/// <param name="Steps">Each attempted step with its final outcome (after rescue, for a crash).</param>
/// <param name="Diff">Every difference between the final and the initial host state; empty when restored.</param>
/// <param name="Rescue">What rescue did after a crash; null without one.</param>
/// <param name="Guest">The simulated guest, to see what it ran with.</param>
public sealed record HandoffSimulationResult(HandoffPlan Plan, IReadOnlyList<StepResult> Steps, IReadOnlyList<string> Diff, HandoffReport? Report, HandoffReport? Rescue, SimulatedGuest? Guest)
{
    /// <summary>True when the final host state equals the initial one.</summary>
    public bool Restored => Diff.Count == 0;

    /// <summary>The host state before the handoff.</summary>
    public HostState? Initial { get; init; }

    /// <summary>The journal's bytes as the run left them, for <see cref="HandoffSimulation.RebootAsync"/>.</summary>
    public IReadOnlyList<byte> Journal { get; init; } = [];

    /// <summary>True when the journal was left not clean (a reboot and the boot rescue have work to do).</summary>
    public bool JournalClean { get; init; } = true;
}
