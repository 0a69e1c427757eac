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

    /// <summary>The option of <see cref="Command"/> that makes the child read the file back after each write and write again
    /// (up to five times) until the kernel shows the value: a vtconsole's <c>bind</c>, whose read takes the same console
    /// lock as its write, so the read-back must not run in Lodge either.</summary>
    public const string ReadBackOption = "--read-back";

    /// <summary>Writes <paramref name="text"/> to <paramref name="realPath"/> through <c><paramref name="executable"/> sysfs-write</c>.</summary>
    /// <param name="readBack">The child reads the file back and writes again until it shows <paramref name="text"/>.</param>
    /// <exception cref="HostWriteTimeoutException">The child did not finish in time (it is left running; <see cref="HostWriteTimeoutException.Writer"/> names it).</exception>
    /// <exception cref="HostWriteException">The write failed, or the child could not start.</exception>
    /// <param name="logFolder">Where the child's stderr is kept until it ends (the host's scratch folder, <c>LodgePaths.Scratch</c>).</param>
    public static async Task RunAsync(string executable, string logFolder, HostAction action, string target, string hostPath, string realPath, string text, TimeSpan timeout, CancellationToken cancellationToken, bool readBack = false)
    {
        ArgumentNullException.ThrowIfNull(executable);
        IReadOnlyList<string> argv = readBack ? [executable, Command, ReadBackOption, realPath, text] : [executable, Command, realPath, text];
        var (code, error) = await RunChildAsync(argv, logFolder, action, target, $"write '{text.TrimEnd('\n')}' to '{hostPath}'", timeout, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new HostWriteException(action, target, $"Writing '{text.TrimEnd('\n')}' to '{hostPath}' failed for '{target}' ({error}).");
        }
    }

    /// <summary>Runs <paramref name="argv"/> (a kernel write by another program: <c>modprobe</c>, <c>modprobe -r</c>) as a
    /// child of its own, in its own session, and waits at most <paramref name="timeout"/>; returns its exit code and what it
    /// said on stderr (or how it ended).</summary>
    /// <param name="what">What the child does, for the message when it cannot start.</param>
    /// <exception cref="HostWriteTimeoutException">The child did not finish in time: it is left where the kernel holds it,
    /// and <see cref="HostWriteTimeoutException.Writer"/> names it (pid and start time) so that rescue can tell when it ends.</exception>
    /// <exception cref="HostWriteException">The child could not start.</exception>
    public static async Task<(int ExitCode, string Error)> RunChildAsync(IReadOnlyList<string> argv, string logFolder, HostAction action, string target, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var log = Path.Combine(logFolder, $"lodge-write-{Environment.ProcessId}-{Guid.NewGuid():N}.log");
        SpawnedProcess child;
        try
        {
            // HOST EFFECT: the child makes the one write described by the caller (its HOST EFFECT comment says what undoes it).
            child = SpawnedProcess.Start(argv, log, newSession: true);
        }
        catch (HostProcessException e)
        {
            throw new HostWriteException(action, target, $"Cannot start '{argv[0]}' to {what}.", e);
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

        return (exit.ExitCode ?? -1, error.Length > 0 ? error : exit.Describe());
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

    /// <summary>The child's side of <see cref="ReadBackOption"/>: writes, reads back, and writes again (up to five times, a
    /// little longer apart each time) until the file shows <paramref name="text"/>; returns 0, 1 when a write failed, or 2
    /// when the kernel took the writes and did not act on them (said on <paramref name="error"/>).</summary>
    public static int WriteAndReadBack(string realPath, string text, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(text);
        var want = text.Trim();
        for (var attempt = 1; ; attempt++)
        {
            if (WriteNow(realPath, text, error) != 0)
            {
                return 1;
            }

            string now;
            try
            {
                now = File.ReadAllText(realPath).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine(e.Message);
                return 1;
            }

            if (now == want)
            {
                return 0;
            }

            if (attempt == 5)
            {
                error.WriteLine($"it still reads {now} after {want} was written to it five times: the kernel did not act on it");
                return 2;
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(200 * attempt));
        }
    }
}
