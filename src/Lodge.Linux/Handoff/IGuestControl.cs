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

    /// <summary>How long <see cref="StopAsync"/> may take at most, when the control bounds it itself (the machine's
    /// <c>shutdown_timeout</c> for ACPI, then a force-off); null: the step's timeout bounds it.</summary>
    TimeSpan? StopWithin => null;
}
