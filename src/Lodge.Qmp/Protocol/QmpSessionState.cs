namespace Lodge.Qmp.Protocol;

/// <summary>The states of a <see cref="QmpSession"/>, in the order a successful session passes through them.</summary>
/// <remarks>
/// <c>Idle → Connecting → Greeting → Capabilities → Ready → Closed</c>. Any failure goes straight to
/// <see cref="Closed"/>, which is terminal: a session is used once (qemu.qmp <c>Runstate</c>).
/// </remarks>
public enum QmpSessionState
{
    /// <summary>Created, not yet connecting.</summary>
    Idle,

    /// <summary>Opening the transport (the unix socket); a stream passed in skips straight through.</summary>
    Connecting,

    /// <summary>Waiting for QEMU's <c>{"QMP": ...}</c> greeting.</summary>
    Greeting,

    /// <summary>Sent <c>qmp_capabilities</c>, waiting for its reply.</summary>
    Capabilities,

    /// <summary>Commands may be executed and events arrive.</summary>
    Ready,

    /// <summary>The transport is closed; every later call throws.</summary>
    Closed,
}
