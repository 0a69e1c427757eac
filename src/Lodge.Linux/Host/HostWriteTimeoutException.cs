namespace Lodge.Linux.Host;

/// <summary>A host write did not finish within its timeout; the thread doing it was abandoned and the write may still complete later.</summary>
public sealed class HostWriteTimeoutException(HostAction action, string target, TimeSpan timeout)
    : HostWriteException(action, target, $"{action} of '{target}' did not finish within {timeout.TotalSeconds:0.###} s; it was abandoned and may still complete.")
{
    /// <summary>The process whose write is stuck, when it is not this one (a child that made the write): pid and start
    /// time in clock ticks since boot.</summary>
    public (int Pid, long StartTicks)? Writer { get; init; }

    /// <summary>The stuck writer as the journal records it, <c>PID START</c>: <see cref="Writer"/>, else this process.</summary>
    public string? WriterText => Writer is { } w ? $"{w.Pid} {w.StartTicks}"
        : Processes.ProcessTable.StartTicks(Environment.ProcessId) is { } start ? $"{Environment.ProcessId} {start}" : null;

    /// <summary>How long Lodge waited.</summary>
    public TimeSpan Timeout { get; } = timeout;
}
