namespace Lodge.Core.Handoff;

/// <summary>Whether a handoff plan may run: what a refusal's <see cref="InvalidStateException"/> names as the state it
/// found and the state it needs.</summary>
public enum HandoffReadiness
{
    /// <summary>The plan has refusals (a holder, an unsupported GPU): nothing runs.</summary>
    Refused,

    /// <summary>The plan may run.</summary>
    Runnable,
}
