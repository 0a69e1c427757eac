using Lodge.Qmp.Protocol;

namespace Lodge.Qmp;

/// <summary>A QMP session could not be established: the socket, the greeting or the capabilities negotiation failed.</summary>
/// <remarks>The session is <see cref="QmpSessionState.Closed"/> when this is thrown; the cause is in <see cref="Exception.InnerException"/>.</remarks>
public sealed class QmpConnectException(string message, string endpoint, QmpSessionState failedState, Exception? innerException = null)
    : QmpException(message, innerException)
{
    /// <summary>The socket path, or a description of the stream, that was being connected.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>The state the session was in when the connection failed.</summary>
    public QmpSessionState FailedState { get; } = failedState;
}
