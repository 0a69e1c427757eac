namespace Lodge.Linux.Handoff;

/// <summary>Starts and stops the guest that receives the GPU (production: QEMU; tests and <c>--simulate</c>: <see cref="Simulation.SimulatedGuest"/>).</summary>
public interface IGuestControl
{
    /// <summary>Starts the guest; returns once it is running.</summary>
    Task StartAsync(string guest, CancellationToken cancellationToken = default);

    /// <summary>Stops the guest; does nothing when it has exited or never started (rescue calls it blindly).</summary>
    Task StopAsync(string guest, CancellationToken cancellationToken = default);

    /// <summary>Completes when the guest has exited.</summary>
    Task WaitForExitAsync(CancellationToken cancellationToken = default);
}
