using System.Runtime.InteropServices;

namespace Lodge.Linux.Runtime;

/// <summary>Waits for a file to be written or renamed into a folder (inotify), instead of polling it: the command that
/// starts a detached guest sleeps until the supervisor writes the guest's state.</summary>
/// <remarks>When inotify is unavailable (no more watches, a file system without it), <see cref="Wait"/> just sleeps for
/// its timeout, so the caller's re-read every timeout still sees every change.</remarks>
public sealed partial class FolderWatch : IDisposable
{
    private const int InNonBlock = 0x800;
    private const int InCloseExec = 0x80000;
    private const uint InCloseWrite = 0x8;
    private const uint InMovedTo = 0x80;
    private const uint InCreate = 0x100;
    private const short PollIn = 0x1;
    private int _fd;

    /// <summary>Watches <paramref name="folder"/> for files written, created or renamed into it.</summary>
    public FolderWatch(string folder)
    {
        _fd = inotify_init1(InNonBlock | InCloseExec);
        if (_fd >= 0 && inotify_add_watch(_fd, folder, InCloseWrite | InMovedTo | InCreate) < 0)
        {
            _ = close(_fd);
            _fd = -1;
        }
    }

    /// <summary>Returns once something was written into the folder since the last call, or after <paramref name="timeout"/>.</summary>
    public unsafe void Wait(TimeSpan timeout)
    {
        var ms = (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
        if (_fd < 0)
        {
            Thread.Sleep(ms);
            return;
        }

        var pfd = new PollFd { Fd = _fd, Events = PollIn };
        _ = poll(ref pfd, 1, ms);
        Span<byte> drain = stackalloc byte[4096];
        while (read(_fd, ref MemoryMarshal.GetReference(drain), drain.Length) > 0)
        {
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = close(_fd);
            _fd = -1;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "inotify_init1")]
    private static partial int inotify_init1(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int inotify_add_watch(int fd, string path, uint mask);

    [LibraryImport("libc", EntryPoint = "poll")]
    private static partial int poll(ref PollFd fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "read")]
    private static partial nint read(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);
}
