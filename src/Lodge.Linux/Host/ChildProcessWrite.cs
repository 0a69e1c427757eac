using System.Text;
using Lodge.Linux.Processes;

namespace Lodge.Linux.Host;

/// <summary>Makes one sysfs write in a child process (<c>lodge sysfs-write FILE TEXT</c>), so that a write the kernel never
/// returns from leaves the child stuck and never Lodge itself.</summary>
/// <remarks>
/// A thread stuck in a kernel write keeps its whole process alive: when the process exits, the kernel turns the thread's
/// wait into an uninterruptible one (vfio: "Device is currently in use, task ... blocked until device is released"), and
/// the shell that ran <c>lodge rescue</c> never gets it back (lab scenario 07, 6.1). A child process is another thread
/// group: Lodge waits for it at most the write's timeout, records its pid and start time as the wedge's writer, and goes
/// on (and can exit). The child lives on in its own session until the kernel lets its write return.
/// </remarks>
public static class ChildProcessWrite
{
    /// <summary>The hidden command the child runs.</summary>
    public const string Command = "sysfs-write";

    /// <summary>Writes <paramref name="text"/> to <paramref name="realPath"/> through <c><paramref name="executable"/> sysfs-write</c>.</summary>
    /// <exception cref="HostWriteTimeoutException">The child did not finish in time (it is left running; <see cref="HostWriteTimeoutException.Writer"/> names it).</exception>
    /// <exception cref="HostWriteException">The write failed, or the child could not start.</exception>
    public static async Task RunAsync(string executable, HostAction action, string target, string hostPath, string realPath, string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(executable);
        var log = Path.Combine(Path.GetTempPath(), $"lodge-write-{Environment.ProcessId}-{Guid.NewGuid():N}.log");
        SpawnedProcess child;
        try
        {
            // HOST EFFECT: the child makes the one write described by the caller (its HOST EFFECT comment says what undoes it).
            child = SpawnedProcess.Start([executable, Command, realPath, text], log, newSession: true);
        }
        catch (HostProcessException e)
        {
            throw new HostWriteException(action, target, $"Cannot start '{executable} {Command}' to write '{text.TrimEnd('\n')}' to '{hostPath}'.", e);
        }

        ProcessExit exit;
        try
        {
            exit = await child.Exited.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var start = ProcessTable.StartTicks(child.Pid);
            throw new HostWriteTimeoutException(action, target, timeout) { Writer = start is { } s ? (child.Pid, s) : null };
        }

        string error;
        try
        {
            error = File.Exists(log) ? File.ReadAllText(log).Trim() : string.Empty;
            File.Delete(log);
        }
        catch (IOException)
        {
            error = string.Empty;
        }

        if (exit.ExitCode != 0)
        {
            throw new HostWriteException(action, target, $"Writing '{text.TrimEnd('\n')}' to '{hostPath}' failed for '{target}' ({(error.Length > 0 ? error : exit.Describe())}).");
        }
    }

    /// <summary>The child's side: truncates (never creates) <paramref name="realPath"/> and writes <paramref name="text"/>
    /// in one write, as <c>echo</c> does; returns 0, or 1 with the error on <paramref name="error"/>.</summary>
    public static int WriteNow(string realPath, string text, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            using var stream = new FileStream(realPath, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1, FileOptions.None);
            stream.Write(Encoding.ASCII.GetBytes(text));
            stream.Flush();
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }
}
