using System.Runtime.InteropServices;
using System.Text;

namespace Lodge.Linux;

/// <summary>The few libc calls .NET does not expose cheaply.</summary>
internal static partial class Native
{
    /// <summary>readlink(2): the raw target of a symlink, or null when the path is not a link (one syscall, no lstat).</summary>
    public static string? ReadLink(string path)
    {
        Span<byte> buffer = stackalloc byte[4096];
        var n = readlink(path, ref MemoryMarshal.GetReference(buffer), buffer.Length);
        return n <= 0 ? null : Encoding.UTF8.GetString(buffer[..(int)n]);
    }

    /// <summary>Reads up to <paramref name="maxBytes"/> of a file with open(2), read(2) and close(2) only; null when it cannot be opened or read.</summary>
    /// <remarks>
    /// A directory opens but fails to read (EISDIR), which also reads as null. A regular file's size (lseek to its
    /// end) sizes the one array; sysfs attributes, whose size says nothing, grow a buffer as they are read.
    /// </remarks>
    public static byte[]? ReadFile(string path, int maxBytes)
    {
        const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
        var fd = open(path, ReadOnlyCloseOnExec);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            var size = lseek(fd, 0, 2); // SEEK_END
            var sized = size > 0 && lseek(fd, 0, 0) == 0;
            var buffer = new byte[sized ? (int)Math.Min(maxBytes, size) : Math.Min(maxBytes, 4096)];
            var length = ReadFully(fd, ref buffer, 0, maxBytes, grow: !sized);
            if (sized && length == buffer.Length && length < maxBytes)
            {
                // The file grew since lseek, or its size was a hint only: go on reading into a larger buffer.
                byte extra = 0;
                var n = read(fd, ref extra, 1);
                if (n == 1)
                {
                    Array.Resize(ref buffer, (int)Math.Min(maxBytes, buffer.Length * 2L));
                    buffer[length++] = extra;
                    length = ReadFully(fd, ref buffer, length, maxBytes, grow: true);
                }
                else if (n < 0)
                {
                    length = -1;
                }
            }

            if (length < 0)
            {
                return null;
            }

            return length == buffer.Length ? buffer : buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>Reads at most <c>buffer.Length</c> bytes of a file into <paramref name="buffer"/>; the length read, or -1 when it cannot be opened or read.</summary>
    /// <remarks>For the many small reads of a scan: the caller's one buffer is reused, nothing is allocated.</remarks>
    public static int ReadInto(string path, byte[] buffer)
    {
        const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
        var fd = open(path, ReadOnlyCloseOnExec);
        if (fd < 0)
        {
            return -1;
        }

        try
        {
            return ReadFully(fd, ref buffer, 0, buffer.Length, grow: false);
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary><see cref="ReadInto(string, byte[])"/> of <paramref name="root"/> joined with <paramref name="hostPath"/>
    /// (<c>/</c> stands for no prefix), the path encoded on the stack instead of joined into a new string.</summary>
    public static unsafe int ReadInto(string root, string hostPath, byte[] buffer)
    {
        const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
        var prefix = root == "/" ? string.Empty : root;
        if ((prefix.Length + hostPath.Length) * 3 >= 4096)
        {
            return ReadInto(prefix + hostPath, buffer);
        }

        Span<byte> path = stackalloc byte[4096];
        var n = Encoding.UTF8.GetBytes(prefix, path);
        n += Encoding.UTF8.GetBytes(hostPath, path[n..]);
        path[n] = 0;
        int fd;
        fixed (byte* p = path)
        {
            fd = open(p, ReadOnlyCloseOnExec);
        }

        if (fd < 0)
        {
            return -1;
        }

        try
        {
            return ReadFully(fd, ref buffer, 0, buffer.Length, grow: false);
        }
        finally
        {
            _ = close(fd);
        }
    }

    private static int ReadFully(int fd, ref byte[] buffer, int length, int maxBytes, bool grow)
    {
        while (length < maxBytes)
        {
            if (length == buffer.Length)
            {
                if (!grow)
                {
                    break;
                }

                Array.Resize(ref buffer, (int)Math.Min(maxBytes, buffer.Length * 2L));
            }

            var n = read(fd, ref buffer[length], buffer.Length - length);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == 4)
                {
                    continue; // EINTR
                }

                return -1;
            }

            if (n == 0)
            {
                break;
            }

            length += (int)n;
        }

        return length;
    }

    /// <summary>The entries of a directory with whether each is a symlink (d_type DT_LNK), without any stat; null when it cannot be opened.</summary>
    /// <remarks>A file system that reports DT_UNKNOWN marks the entry as possibly a link, so the caller checks it with readlink.</remarks>
    public static unsafe List<(string Name, bool MaybeLink)>? ListDirectory(string path)
    {
        const byte DtUnknown = 0;
        const byte DtLink = 10;
        var dir = opendir(path);
        if (dir == 0)
        {
            return null;
        }

        try
        {
            var result = new List<(string, bool)>();
            while (true)
            {
                // struct dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; } (glibc, x86_64 and arm64)
                var entry = (byte*)readdir64(dir);
                if (entry == null)
                {
                    break;
                }

                var type = entry[18];
                var name = Marshal.PtrToStringUTF8((nint)(entry + 19));
                if (name is null or "." or "..")
                {
                    continue;
                }

                result.Add((name, type is DtLink or DtUnknown));
            }

            return result;
        }
        finally
        {
            _ = closedir(dir);
        }
    }

    /// <summary>True when an entry of <paramref name="dir"/> is a symlink whose target is exactly <paramref name="target"/>
    /// (readlinkat on the folder's own descriptor, compared as bytes: nothing allocated per entry); false when none is
    /// or the folder cannot be read.</summary>
    /// <remarks>For <c>/proc/PID/fd</c>: the disk-holder check reads every process's descriptors.</remarks>
    public static unsafe bool HasLinkTo(string dir, string target)
    {
        var dirp = opendir(dir);
        if (dirp == 0)
        {
            return false;
        }

        try
        {
            var wanted = Encoding.UTF8.GetBytes(target);
            var fd = dirfd(dirp);
            Span<byte> buffer = stackalloc byte[4096];
            while (true)
            {
                var entry = (byte*)readdir64(dirp);
                if (entry == null)
                {
                    return false;
                }

                var n = readlinkat(fd, entry + 19, ref MemoryMarshal.GetReference(buffer), buffer.Length);
                if (n > 0 && buffer[..(int)n].SequenceEqual(wanted))
                {
                    return true;
                }
            }
        }
        finally
        {
            _ = closedir(dirp);
        }
    }

    /// <summary>sched_setaffinity(2) for one thread; false when the kernel refuses (e.g. an offline CPU).</summary>
    public static bool SetAffinity(int tid, IReadOnlyList<int> cpus)
    {
        Span<ulong> mask = stackalloc ulong[16]; // cpu_set_t: 1024 CPUs
        mask.Clear();
        foreach (var cpu in cpus)
        {
            if (cpu is < 0 or >= 1024)
            {
                return false;
            }

            mask[cpu / 64] |= 1UL << (cpu % 64);
        }

        return sched_setaffinity(tid, 16 * sizeof(ulong), ref MemoryMarshal.GetReference(mask)) == 0;
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nint size, ref ulong mask);

    /// <summary>sched_getaffinity(2) for one thread: the CPUs it may run on, ascending; null when it is gone.</summary>
    public static IReadOnlyList<int>? GetAffinity(int tid)
    {
        Span<ulong> mask = stackalloc ulong[16];
        mask.Clear();
        if (sched_getaffinity(tid, 16 * sizeof(ulong), ref MemoryMarshal.GetReference(mask)) < 0)
        {
            return null;
        }

        var cpus = new List<int>();
        for (var cpu = 0; cpu < 1024; cpu++)
        {
            if ((mask[cpu / 64] & (1UL << (cpu % 64))) != 0)
            {
                cpus.Add(cpu);
            }
        }

        return cpus;
    }

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int sched_getaffinity(int pid, nint size, ref ulong mask);

    [LibraryImport("libc", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint opendir(string path);

    [LibraryImport("libc", EntryPoint = "readdir64")]
    private static partial nint readdir64(nint dir);

    [LibraryImport("libc", EntryPoint = "dirfd")]
    private static partial int dirfd(nint dir);

    [LibraryImport("libc", EntryPoint = "readlinkat")]
    private static unsafe partial nint readlinkat(int dirFd, byte* path, ref byte buffer, nint size);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int closedir(nint dir);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static unsafe partial int open(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint read(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "lseek")]
    private static partial long lseek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint readlink(string path, ref byte buffer, nint size);
}
