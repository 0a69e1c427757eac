using Lodge.Linux.Handoff;
using Lodge.Linux.Simulation;

namespace Lodge.App.Handoff;

/// <summary>The handoff environment of the hidden <c>--simulated-host</c> option: the simulated kernel over a copy of the
/// <c>--root</c> tree and a simulated guest that runs until it is stopped (or fails to start when its run folder holds
/// <see cref="FailStartMarker"/>).</summary>
/// <remarks>For specs and the lab that drive the real process tree (the command the user typed, the supervisor in its own
/// session, signals) without a GPU. The journal and the outcome database are the real ones of the state root.</remarks>
public static class SimulatedHandoffEnvironment
{
    /// <summary>A file of this name in a machine's run folder makes its simulated guest fail to start (a switch's failure
    /// paths driven through the real process tree).</summary>
    public const string FailStartMarker = "simulated-start-fails";

    /// <summary>The environment over <paramref name="kernel"/>; <c>--stop-holders</c> ends its holders as SIGTERM would.</summary>
    public static HandoffEnvironment Create(LodgeHost host, SimulatedKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(kernel);
        return new HandoffEnvironment(
            kernel.ScanForHandoff,
            () => kernel.DisplayManagerActive,
            (guest, log) => kernel.HandoffHost(guest, log),
            (spec, plan, _) => new SimulatedGuest(kernel, plan.Endpoints) { Lifetime = null, FailStart = File.Exists(Path.Combine(spec.Layout.RunDir, FailStartMarker)) },
            (guest, machine) => guest is SimulatedGuest simulated ? new GuestHealth(TimeSpan.FromSeconds(machine.Health.WithinSeconds), TimeSpan.FromMilliseconds(100), simulated.IsHealthyAsync) : null,
            kernel.ScanHoldersAsync,
            (holders, log, _) =>
            {
                foreach (var holder in kernel.Holders)
                {
                    log($"Stopping '{holder.Process}' (simulated).");
                    holder.Dispose();
                }

                return Task.CompletedTask;
            },
            host.Journal)
        {
            NvidiaPersistencedActive = () => kernel.IsServiceActive(SimulatedKernel.NvidiaPersistenced),
        };
    }
}
