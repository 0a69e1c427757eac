using Lodge.App.Handoff;

namespace Lodge.App.Guests;

/// <summary>A handoff lodge supervises (issue 13, item 3), as <c>lodge status</c> shows it.</summary>
/// <param name="Machine">The machine whose GPU is (or was) handed off.</param>
/// <param name="Phase">The last phase its supervisor wrote.</param>
/// <param name="Alive">Whether that supervisor still runs and has not ended.</param>
public sealed record SupervisedHandoff(string Machine, HandoffPhase Phase, bool Alive)
{
    /// <summary>One sentence for <c>lodge status</c>.</summary>
    public string Describe()
    {
        var by = Phase.Unit is { } unit ? $"unit '{unit}', pid {Phase.Pid}" : $"supervisor pid {Phase.Pid}";
        return Phase.Phase == HandoffPhaseFile.Ended ? $"Handoff of '{Machine}': ended (exit code {Phase.ExitCode}); log: {Phase.Log}"
            : Alive ? $"Handoff of '{Machine}': {Phase.Phase} ({by}); log: {Phase.Log}"
            : $"Handoff of '{Machine}': its supervisor ({by}) stopped in phase '{Phase.Phase}' without finishing; run 'sudo lodge rescue'. Log: {Phase.Log}";
    }
}
