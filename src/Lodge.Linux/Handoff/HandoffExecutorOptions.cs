namespace Lodge.Linux.Handoff;

/// <summary>How the executor watches the guest, which clock it uses, and (for simulations) where it stops as if killed.</summary>
public sealed record HandoffExecutorOptions
{
    /// <summary>The watchdog's health rule; null means the guest is trusted once it starts.</summary>
    public GuestHealth? Health { get; init; }

    /// <summary>The clock of the watchdog.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Simulation only: after this step is done the executor returns at once, undoing nothing, like a killed process.</summary>
    public int? AbandonAfterStep { get; init; }
}
