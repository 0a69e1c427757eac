namespace Lodge.Core.Handoff;

/// <summary>The handoff state and its allowed transitions; a wrong move throws <see cref="InvalidStateException"/>.</summary>
/// <remarks>
/// Planned → HandingOff → GuestRunning → GivingBack → Returned | NeedsRescue;
/// HandingOff → RollingBack → RolledBack | NeedsRescue; HandingOff | GuestRunning → Abandoned.
/// </remarks>
public sealed class HandoffStateMachine(string gpu)
{
    private static readonly Dictionary<HandoffState, HandoffState[]> Allowed = new()
    {
        [HandoffState.Planned] = [HandoffState.HandingOff],
        [HandoffState.HandingOff] = [HandoffState.GuestRunning, HandoffState.RollingBack, HandoffState.Abandoned],
        [HandoffState.GuestRunning] = [HandoffState.GivingBack, HandoffState.Abandoned],
        [HandoffState.GivingBack] = [HandoffState.Returned, HandoffState.NeedsRescue],
        [HandoffState.RollingBack] = [HandoffState.RolledBack, HandoffState.NeedsRescue],
        [HandoffState.Returned] = [],
        [HandoffState.RolledBack] = [],
        [HandoffState.NeedsRescue] = [],
        [HandoffState.Abandoned] = [],
    };

    private readonly List<HandoffState> _history = [HandoffState.Planned];

    /// <summary>The current state.</summary>
    public HandoffState State => _history[^1];

    /// <summary>Every state so far, in order.</summary>
    public IReadOnlyList<HandoffState> History => _history;

    /// <summary>Moves to <paramref name="next"/>, or throws when the current state does not allow it.</summary>
    public void MoveTo(HandoffState next)
    {
        if (!Allowed[State].Contains(next))
        {
            throw new InvalidStateException($"Handoff of '{gpu}' cannot go from {State} to {next}.", State.ToString(), string.Join(" or ", Allowed.Where(a => a.Value.Contains(next)).Select(a => a.Key)));
        }

        _history.Add(next);
    }
}
