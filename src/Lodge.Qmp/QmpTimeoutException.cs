namespace Lodge.Qmp;

/// <summary>A QMP command did not get a reply within its timeout.</summary>
/// <remarks>The session stays open; a reply that arrives later is discarded (as qemu.qmp does).</remarks>
public sealed class QmpTimeoutException(string command, TimeSpan timeout)
    : QmpException($"The QMP command '{command}' did not get a reply within {timeout.TotalSeconds:0.###} s.")
{
    /// <summary>The command that timed out.</summary>
    public string Command { get; } = command;

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; } = timeout;
}
