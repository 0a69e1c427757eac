using Lodge.App.Machines;
using Lodge.Core.Runtime;
using Lodge.Linux.Runtime;

namespace Lodge.App.Handoff;

/// <summary>A real handoff: <c>lodge up NAME</c> of a machine whose physical GPU goes to the guest.</summary>
/// <param name="Machine">The machine planned against the host (its GPU is passed through in mode handoff or dedicated).</param>
/// <param name="Spec">The guest's launch spec.</param>
/// <param name="Runtime">Where the guest runs.</param>
/// <param name="StopHolders">Stop the processes that hold the GPU instead of refusing.</param>
/// <param name="Resolved">What <c>up</c> already decided (the accelerator), for the outcome report.</param>
public sealed record HandoffUpRequest(PlannedMachine Machine, LaunchSpec Spec, GuestRuntime Runtime, bool StopHolders, IReadOnlyDictionary<string, string> Resolved)
{
    /// <summary>Records the handoff's phase (<see cref="HandoffPhaseFile"/>) for <c>lodge status</c> and the command that
    /// follows the supervisor; null when nothing follows.</summary>
    public Action<string>? Phase { get; init; }

    /// <summary>Plans another machine for <c>lodge switch</c> (its configuration and launch spec; it throws unless that
    /// machine takes the same GPU); null: no switch can reach this handoff.</summary>
    public Func<string, (Core.Machines.MachineConfig Machine, LaunchSpec Spec)>? PlanOther { get; init; }

    /// <summary>What Ctrl-C and SIGTERM do while the guest runs (ACPI, a wait of <c>shutdown_timeout</c>, a force-off
    /// only when said and asked for); armed once a real guest runs. Null: cancelling stops the guest as the way back does.</summary>
    public Guests.GuestPowerOff? PowerOff { get; init; }
}
