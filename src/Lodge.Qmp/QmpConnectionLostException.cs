namespace Lodge.Qmp;

/// <summary>The QMP session closed (EOF, reset, protocol error or local close) before a reply or event arrived.</summary>
/// <remarks>The cause, if there was one beyond a clean EOF, is in <see cref="Exception.InnerException"/>.</remarks>
public sealed class QmpConnectionLostException(string message, string? command, Exception? innerException = null)
    : QmpException(message, innerException)
{
    /// <summary>The command that was waiting for a reply, or <see langword="null"/> when an event reader was waiting.</summary>
    public string? Command { get; } = command;
}
