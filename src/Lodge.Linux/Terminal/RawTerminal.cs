using System.Runtime.InteropServices;

namespace Lodge.Linux.Terminal;

/// <summary>Puts a terminal in raw mode (no echo, no line editing, no signals from Ctrl-C) and restores it on dispose.</summary>
/// <remarks>termios through libc (tcgetattr, cfmakeraw, tcsetattr), kept as an opaque buffer so it needs no marshalling
/// (NativeAOT-safe). glibc's <c>struct termios</c> is 60 bytes on x86_64 and arm64; the buffer leaves room.</remarks>
public sealed partial class RawTerminal : IDisposable
{
    private const int TermiosBytes = 128;
    private const int TcsaNow = 0;
    private readonly int _fd;
    private readonly byte[] _saved = new byte[TermiosBytes];
    private int _restored;

    private RawTerminal(int fd)
    {
        _fd = fd;
    }

    /// <summary>True when <paramref name="fd"/> is a terminal.</summary>
    public static bool IsTerminal(int fd) => isatty(fd) == 1;

    /// <summary>Saves the settings of terminal <paramref name="fd"/> and switches it to raw mode; null when it is not a terminal.</summary>
    public static RawTerminal? Enter(int fd)
    {
        if (!IsTerminal(fd))
        {
            return null;
        }

        var terminal = new RawTerminal(fd);
        if (tcgetattr(fd, ref terminal._saved[0]) != 0)
        {
            return null;
        }

        var raw = (byte[])terminal._saved.Clone();
        cfmakeraw(ref raw[0]);
        // HOST EFFECT: the user's terminal stops echoing and passes every key through; Dispose restores the saved settings.
        if (tcsetattr(fd, TcsaNow, ref raw[0]) != 0)
        {
            return null;
        }

        return terminal;
    }

    /// <summary>Restores the settings saved by <see cref="Enter"/>; safe to call more than once and from a signal handler.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _restored, 1) == 0)
        {
            _ = tcsetattr(_fd, TcsaNow, ref _saved[0]);
        }
    }

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int isatty(int fd);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int tcgetattr(int fd, ref byte termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int tcsetattr(int fd, int optionalActions, ref byte termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void cfmakeraw(ref byte termios);
}
