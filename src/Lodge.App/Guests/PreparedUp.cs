using Lodge.App.Machines;
using Lodge.Core.Runtime;

namespace Lodge.App.Guests;

/// <summary>A guest ready to start: its plan, its launch spec, and what <c>up</c> decided on the way.</summary>
/// <param name="Machine">The machine planned against the host.</param>
/// <param name="Spec">The launch spec (argv, helpers, shares).</param>
/// <param name="Accelerator">The accelerator chosen: <c>kvm</c>, or <c>tcg</c> when asked or when KVM does not work.</param>
/// <param name="HandsOff">Whether the machine's physical GPU goes to the guest (mode handoff or dedicated): the run is a handoff.</param>
public sealed record PreparedUp(PlannedMachine Machine, LaunchSpec Spec, string Accelerator, bool HandsOff)
{
    /// <summary>What the outcome report records as resolved so far.</summary>
    public Dictionary<string, string> Resolved() => new(StringComparer.Ordinal) { ["accel"] = Accelerator };
}
