using System.Runtime.InteropServices;

namespace Lodge.Linux;

internal static partial class Native
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;

    /// <summary>statx(2) following links: the file type bits of st_mode, the owner, and for a device its major:minor; null when it cannot be stat'ed.</summary>
    /// <remarks>struct statx is the same on every architecture (include/uapi/linux/stat.h): stx_uid at byte 20,
    /// stx_mode at 28, stx_rdev_major at 128 and stx_rdev_minor at 132, in a 256-byte buffer.</remarks>
    public static (int TypeBits, int Uid, int RdevMajor, int RdevMinor)? Stat(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, 0, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return null;
        }

        var mode = MemoryMarshal.Read<ushort>(buffer[28..]);
        return (mode & 0xf000, (int)MemoryMarshal.Read<uint>(buffer[20..]), (int)MemoryMarshal.Read<uint>(buffer[128..]), (int)MemoryMarshal.Read<uint>(buffer[132..]));
    }

    /// <summary>What changes when a file is replaced or its permissions or owner change: statx's inode, mode, owner,
    /// group and change time (stx_ino at byte 32, stx_gid at 24, stx_ctime at 112), as text; null when it cannot be stat'ed.</summary>
    public static string? ChangeIdentity(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, 0, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return null;
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{MemoryMarshal.Read<ulong>(buffer[32..])}:{MemoryMarshal.Read<ushort>(buffer[28..])}:{MemoryMarshal.Read<uint>(buffer[20..])}:{MemoryMarshal.Read<uint>(buffer[24..])}:{MemoryMarshal.Read<long>(buffer[112..])}.{MemoryMarshal.Read<uint>(buffer[120..])}");
    }

    /// <summary>fsync(2) of a folder, so that a rename in it survives a crash; a folder that cannot be opened is left alone.</summary>
    public static void SyncDirectory(string path)
    {
        // O_RDONLY opens a folder too; O_DIRECTORY is left out because its value differs between architectures.
        var fd = open(path, 0);
        if (fd < 0)
        {
            return;
        }

        _ = fsync(fd);
        _ = close(fd);
    }

    /// <summary>geteuid(2).</summary>
    public static int EffectiveUid() => (int)geteuid();

    /// <summary>getppid(2): this process's parent (another pid once the parent has exited and the process was reparented).</summary>
    public static int ParentPid() => getppid();

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint geteuid();

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int getppid();
}
