using System.Runtime.InteropServices;
using System.Text;

namespace Lodge.Linux;

// Calls relative to a folder's descriptor (openat, readlinkat, faccessat): a scan that reads twenty attributes of each
// device opens the device's folder once and names each attribute by itself, with no path string built per read.
internal static partial class Native
{
    private const int CloseOnExec = 0x80000; // O_CLOEXEC, likewise

    // O_NOFOLLOW: 0x8000 where the architecture has its own fcntl.h values (arm, arm64, powerpc), the generic 0x20000 elsewhere.
    private static readonly int NoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 or Architecture.Ppc64le ? 0x8000 : 0x20000;

    /// <summary>A folder opened to be listed (<see cref="ReadEntries"/>) and to open its entries relative to it, or -1; with
    /// <paramref name="noFollow"/> a symlink at the end does not open.</summary>
    public static int OpenFolder(string path, bool noFollow) => open(path, CloseOnExec | (noFollow ? NoFollow : 0));

    /// <summary>getdents64(2) until the end: the folder's raw records (struct linux_dirent64: d_ino, d_off, d_reclen at byte
    /// 16, d_type at 18, the name from 19, NUL-terminated) in <paramref name="buffer"/>, grown as needed; the bytes used, or -1.</summary>
    public static unsafe int ReadEntries(int folder, ref byte[] buffer)
    {
        var used = 0;
        while (true)
        {
            if (buffer.Length - used < 4096)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            nint n;
            fixed (byte* p = &buffer[used])
            {
                n = getdents64(folder, p, buffer.Length - used);
            }

            if (n < 0)
            {
                return -1;
            }

            if (n == 0)
            {
                return used;
            }

            used += (int)n;
        }
    }

    /// <summary>close(2).</summary>
    public static void Close(int fd) => _ = close(fd);

    /// <summary>errno ELOOP: what opening a symlink with O_NOFOLLOW fails with.</summary>
    public const int LinkLoop = 40;

    /// <summary>Opens an entry of a folder for reading: the descriptor, or minus errno; with <paramref name="noFollow"/> a
    /// symlink fails to open (-<see cref="LinkLoop"/>).</summary>
    public static int OpenAt(int folder, string name, bool noFollow)
    {
        Span<byte> path = stackalloc byte[512];
        if (!Encode(name, path))
        {
            return -2; // ENOENT: no such name here
        }

        var fd = openat(folder, ref MemoryMarshal.GetReference(path), CloseOnExec | (noFollow ? NoFollow : 0));
        return fd >= 0 ? fd : -Math.Max(1, Marshal.GetLastPInvokeError());
    }

    /// <summary>Reads a folder's entry with one read(2) of at most <c>buffer.Length</c> bytes (for sysfs attributes and
    /// small files: see the body); the length read, or minus errno when it cannot
    /// be opened (-<see cref="LinkLoop"/>: a symlink under <paramref name="noFollow"/>), int.MinValue when it cannot be read.</summary>
    public static int ReadAt(int folder, string name, byte[] buffer, bool noFollow)
    {
        var fd = OpenAt(folder, name, noFollow);
        if (fd < 0)
        {
            return fd;
        }

        try
        {
            // A sysfs attribute is generated whole by its first read (at most a page; the buffer is larger), and a regular
            // file's short read is its end: so a read that returns less than was asked ends it, without the read that
            // returns 0. A file as large as the buffer is cut there, as ReadInto cuts it.
            int n;
            do
            {
                n = (int)read(fd, ref buffer[0], buffer.Length);
            }
            while (n < 0 && Marshal.GetLastPInvokeError() == 4); // EINTR

            return n < 0 ? int.MinValue : n;
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>readlinkat(2) into <paramref name="target"/>: the target's length, or -1 when the entry is no link.</summary>
    public static int ReadLinkAt(int folder, string name, Span<byte> target)
    {
        Span<byte> path = stackalloc byte[512];
        if (!Encode(name, path))
        {
            return -1;
        }

        var n = readlinkat(folder, ref MemoryMarshal.GetReference(path), ref MemoryMarshal.GetReference(target), target.Length);
        return n <= 0 ? -1 : (int)n;
    }

    /// <summary>What a folder's entry is (statx relative to the folder): null when it does not exist, else whether it is a
    /// symlink (only with <paramref name="noFollow"/>; otherwise links are followed and a dangling one does not exist).</summary>
    public static bool? EntryIsLink(int folder, string name, bool noFollow)
    {
        const int SymlinkNoFollow = 0x100; // AT_SYMLINK_NOFOLLOW
        const int TypeMask = 0xf000, Link = 0xa000;
        Span<byte> path = stackalloc byte[512];
        Span<byte> buffer = stackalloc byte[256];
        if (!Encode(name, path) || statxAt(folder, ref MemoryMarshal.GetReference(path), noFollow ? SymlinkNoFollow : 0, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return null;
        }

        return (MemoryMarshal.Read<ushort>(buffer[28..]) & TypeMask) == Link;
    }

    /// <summary>pread(2) until <paramref name="target"/> is full or the file ends: the bytes read, or -1 on an error.</summary>
    public static int PRead(int fd, Span<byte> target, long offset)
    {
        var total = 0;
        while (total < target.Length)
        {
            var n = pread(fd, ref target[total], target.Length - total, offset + total);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == 4)
                {
                    continue; // EINTR
                }

                return total > 0 ? total : -1;
            }

            if (n == 0)
            {
                break;
            }

            total += (int)n;
        }

        return total;
    }

    /// <summary>The size of an open file (lseek to its end); 0 when it says nothing, as sysfs attributes may.</summary>
    public static long SizeOf(int fd) => Math.Max(0, lseek(fd, 0, 2));

    private static bool Encode(string name, Span<byte> path)
    {
        if (name.Length == 0 || name.Length * 3 >= path.Length)
        {
            return false;
        }

        var n = Encoding.UTF8.GetBytes(name, path);
        path[n] = 0;
        return true;
    }

    [LibraryImport("libc", EntryPoint = "getdents64")]
    private static unsafe partial nint getdents64(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static partial int openat(int dirFd, ref byte path, int flags);

    [LibraryImport("libc", EntryPoint = "readlinkat")]
    private static partial nint readlinkat(int dirFd, ref byte path, ref byte buffer, nint size);

    [LibraryImport("libc", EntryPoint = "statx")]
    private static partial int statxAt(int dirFd, ref byte path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "pread64", SetLastError = true)]
    private static partial nint pread(int fd, ref byte buffer, nint count, long offset);
}
