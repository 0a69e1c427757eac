using Lodge.Core;

namespace Lodge.Qmp;

/// <summary>The root of every error the QMP client throws on purpose.</summary>
/// <remarks>
/// The subtree (the whole tree is drawn on <see cref="LodgeException"/>):
/// <code>
/// QmpException
///  ├─ QmpConnectException(endpoint, failedState)    connecting, greeting or negotiation failed
///  ├─ QmpCommandException(command, errorClass, desc) QEMU answered a command with an error
///  ├─ QmpTimeoutException(command, timeout)          no reply within the timeout
///  ├─ QmpConnectionLostException(command)            the session closed before a reply came
///  └─ QmpProtocolException(json)                     QEMU sent something the spec does not allow
/// </code>
/// Calling an operation in the wrong session state throws <see cref="InvalidStateException"/> instead.
/// </remarks>
public abstract class QmpException : LodgeException
{
    protected QmpException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
