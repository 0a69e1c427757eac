using System.Runtime.InteropServices;

namespace Lodge.Linux;

/// <summary>fsync(2) of a directory, which .NET cannot open as a stream.</summary>
internal static partial class Native
{
    /// <summary>Syncs a directory so that a rename or a new file inside it survives a power cut; false when it cannot.</summary>
    public static bool SyncDirectory(string path)
    {
        const int DirectoryCloseOnExec = 0x10000 | 0x80000; // O_RDONLY | O_DIRECTORY | O_CLOEXEC
        var fd = open(path, DirectoryCloseOnExec);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return fsync(fd) == 0;
        }
        finally
        {
            _ = close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);
}
