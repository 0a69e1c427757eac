namespace Lodge.Core.Handoff;

/// <summary>Where a handoff is. The allowed moves are in <see cref="HandoffStateMachine"/>.</summary>
public enum HandoffState
{
    /// <summary>Planned, nothing applied.</summary>
    Planned,

    /// <summary>Applying the steps towards the guest.</summary>
    HandingOff,

    /// <summary>The guest runs with the GPU; the watchdog waits for it to be healthy.</summary>
    GuestRunning,

    /// <summary>Undoing the applied steps in reverse, after the guest exited or the watchdog fired.</summary>
    GivingBack,

    /// <summary>Undoing the applied steps in reverse after a step failed or timed out.</summary>
    RollingBack,

    /// <summary>The guest ran and the host has its GPU back.</summary>
    Returned,

    /// <summary>A step failed and every applied step was undone.</summary>
    RolledBack,

    /// <summary>An undo failed: the journal stays dirty and <c>lodge rescue</c> has work to do.</summary>
    NeedsRescue,

    /// <summary>The executor was abandoned mid-way (a killed process); the journal shows what is applied.</summary>
    Abandoned,
}
