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

    /// <summary>Test hook (the lab's kill at every step): right after step <c>k</c> is journaled as done (synced to disk),
    /// the executor calls <see cref="Stop"/>, which stops this process with SIGSTOP so that a test can SIGKILL it exactly
    /// there. Null (always, outside tests) changes nothing.</summary>
    public int? StopAfterStep { get; init; }

    /// <summary>What <see cref="StopAfterStep"/> does: stops this process (SIGSTOP) by default; returns when it runs on
    /// (SIGCONT).</summary>
    public Action<int> Stop { get; init; } = _ => Processes.ProcessTable.StopSelf();
}
