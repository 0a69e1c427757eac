namespace Lodge.Linux.Host;

/// <summary>Runs one host write on a dedicated thread, so that a write the kernel never returns from cannot block the caller.</summary>
/// <remarks>
/// Unbinding an NVIDIA GPU that a process still holds blocks in the kernel forever ("NVRM: Attempting to remove device
/// ... non-zero usage count"). A thread-pool thread stuck there would be lost to the pool; a dedicated background thread
/// is simply abandoned when the timeout fires, and the caller gets a <see cref="HostWriteTimeoutException"/>.
/// </remarks>
public static class HostWrite
{
    /// <summary>Runs <paramref name="write"/> on its own thread and waits at most <paramref name="timeout"/> for it.</summary>
    /// <exception cref="HostWriteTimeoutException">The write did not finish in time.</exception>
    /// <exception cref="HostWriteException">The write failed.</exception>
    public static async Task RunAsync(HostAction action, string target, Action write, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                write();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = $"lodge {action} {target}",
        };
        thread.Start();
        try
        {
            await done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new HostWriteTimeoutException(action, target, timeout);
        }
    }
}
