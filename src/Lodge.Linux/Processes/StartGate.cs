using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Lodge.Linux.Processes;

/// <summary>A pipe that holds a child back until its parent says go: the child gets the read end as its stdin and waits
/// for a line; the parent writes <c>go</c> when the child may begin, or closes the pipe (or dies) to send it away.</summary>
/// <remarks>
/// What lets <c>up --detach</c> start its supervisor before the plan is made: the supervisor's own start (the runtime,
/// the command line, JSON metadata) runs on the other core while this process plans, and the supervisor touches nothing
/// of the guest until it hears go. Both ends are close-on-exec, so no other child (QEMU, a helper) inherits them and the
/// child sees end-of-file as soon as the parent lets go of the write end, however the parent ends.
/// </remarks>
public sealed partial class StartGate : IDisposable
{
    private const int CloseOnExec = 0x80000; // O_CLOEXEC
    private static readonly byte[] Go = "go\n"u8.ToArray();
    private int _read;
    private int _write;

    private StartGate(int read, int write)
    {
        _read = read;
        _write = write;
    }

    /// <summary>The read end, for the child's stdin (see <see cref="SpawnedProcess.Start"/>); closed here once the child runs.</summary>
    internal int ReadEnd => _read;

    /// <summary>A new gate (a pipe).</summary>
    /// <exception cref="HostProcessException">The pipe could not be made (out of file descriptors).</exception>
    public static StartGate Create()
    {
        Span<int> ends = stackalloc int[2];
        if (pipe2(ref MemoryMarshal.GetReference(ends), CloseOnExec) != 0)
        {
            throw new HostProcessException("Cannot create a pipe for a child process.", "pipe2", new Win32Exception(Marshal.GetLastPInvokeError()));
        }

        return new StartGate(ends[0], ends[1]);
    }

    /// <summary>After the spawn: the child holds its own copy of the read end, so this process lets go of it.</summary>
    internal void ChildStarted() => CloseEnd(ref _read);

    /// <summary>Tells the child to begin, then closes the pipe. False when the child is gone already (EPIPE).</summary>
    public bool Open()
    {
        if (_write < 0)
        {
            return false;
        }

        var written = write(_write, Go, Go.Length);
        CloseEnd(ref _write);
        return written == Go.Length;
    }

    /// <summary>Closes both ends; a child still waiting reads end-of-file and gives up.</summary>
    public void Dispose()
    {
        CloseEnd(ref _write);
        CloseEnd(ref _read);
    }

    /// <summary>In the child: waits for the parent's word on stdin. True for go; false for end-of-file (the parent closed
    /// the pipe or died) or anything else.</summary>
    public static bool AwaitGo()
    {
        Span<byte> line = stackalloc byte[8];
        var length = 0;
        while (length < line.Length)
        {
            var n = read(0, ref line[length], line.Length - length);
            if (n < 0 && Marshal.GetLastPInvokeError() == 4)
            {
                continue; // EINTR
            }

            if (n <= 0)
            {
                break;
            }

            length += (int)n;
            if (line[..length].Contains((byte)'\n'))
            {
                break;
            }
        }

        return line[..length].SequenceEqual(Go);
    }

    /// <summary>In the child, after go: stdout and stderr (until now /dev/null) are appended to <paramref name="logPath"/>.</summary>
    /// <exception cref="HostProcessException">The log cannot be opened.</exception>
    public static void RedirectOutput(string logPath)
    {
        const int WriteCreateAppend = 0x1 | 0x40 | 0x400 | CloseOnExec; // O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC
        // HOST EFFECT: the supervisor's log in the guest's run folder (removed with it).
        var fd = open(logPath, WriteCreateAppend, Convert.ToInt32("640", 8));
        if (fd < 0)
        {
            throw new HostProcessException($"Cannot open the log '{logPath}'.", "open", new Win32Exception(Marshal.GetLastPInvokeError()));
        }

        // dup2 clears close-on-exec on the copies: QEMU and the helpers get their own logs anyway (SpawnedProcess).
        _ = dup2(fd, 1);
        _ = dup2(fd, 2);
        _ = close(fd);
    }

    private static void CloseEnd(ref int fd)
    {
        if (fd >= 0)
        {
            _ = close(fd);
            fd = -1;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pipe2(ref int fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte[] buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc")]
    private static partial int dup2(int from, int to);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
