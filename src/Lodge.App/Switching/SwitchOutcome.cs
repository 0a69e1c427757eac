namespace Lodge.App.Switching;

/// <summary>How a <c>lodge switch</c> ended.</summary>
public enum SwitchOutcome
{
    /// <summary>The new guest runs with the GPU.</summary>
    Switched,

    /// <summary>Nothing changed: the switch was refused before anything stopped (the same guest, a busy switch, a guest
    /// that cannot be planned).</summary>
    Refused,

    /// <summary>The guest holding the GPU did not power off within its timeout; it still runs with the GPU, and a force-off
    /// needs the user's word (<c>--force</c>, or the dashboard's confirmation).</summary>
    NeedsForce,

    /// <summary>The new guest did not start or did not become healthy; the previous guest runs again with the GPU.</summary>
    PreviousBack,

    /// <summary>Neither guest ran: the GPU goes back to the host, as <c>lodge rescue</c> would give it back.</summary>
    HostBack,
}
