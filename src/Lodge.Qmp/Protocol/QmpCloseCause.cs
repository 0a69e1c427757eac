namespace Lodge.Qmp.Protocol;

/// <summary>Why a session closed; decides what outstanding commands are told.</summary>
internal enum QmpCloseCause
{
    /// <summary>The client disposed the session or a connect attempt was abandoned.</summary>
    Local,

    /// <summary>QEMU closed the socket cleanly.</summary>
    EndOfStream,

    /// <summary>The transport failed, typically "connection reset by peer" after <c>quit</c>.</summary>
    Reset,

    /// <summary>QEMU broke the protocol, or connecting failed.</summary>
    Fault,
}
