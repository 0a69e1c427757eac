namespace Lodge.Linux.Host;

/// <summary>A host write did not finish within its timeout; the thread doing it was abandoned and the write may still complete later.</summary>
public sealed class HostWriteTimeoutException(HostAction action, string target, TimeSpan timeout)
    : HostWriteException(action, target, $"{action} of '{target}' did not finish within {timeout.TotalSeconds:0.###} s; it was abandoned and may still complete.")
{
    /// <summary>How long Lodge waited.</summary>
    public TimeSpan Timeout { get; } = timeout;
}
