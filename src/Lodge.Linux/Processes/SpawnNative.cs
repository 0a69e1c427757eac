using System.Runtime.InteropServices;

namespace Lodge.Linux.Processes;

/// <summary>The libc calls behind <see cref="SpawnedProcess"/>: posix_spawn (no fork of the managed runtime), waitpid, kill.</summary>
internal static partial class SpawnNative
{
    // glibc <spawn.h>: POSIX_SPAWN_SETSID (since 2.26) puts the child in a new session, away from the terminal's signals.
    public const short PosixSpawnSetsid = 0x80;

    // POSIX_SPAWN_SETSIGDEF and POSIX_SPAWN_SETSIGMASK: the child starts with every signal at its default action and none
    // blocked, as .NET's Process does, instead of inheriting what this process ignores (a background job's SIGINT) or blocks.
    public const short PosixSpawnSetSigDefault = 0x04;
    public const short PosixSpawnSetSigMask = 0x08;

    // sigset_t is 128 bytes in glibc.
    public const int SigSetSize = 128;
    public const int OpenReadOnly = 0;
    public const int OpenWriteCreateAppend = 0x1 | 0x40 | 0x400; // O_WRONLY | O_CREAT | O_APPEND

    // The opaque glibc structs are 80 (file actions) and 336 (attributes) bytes on x86_64; over-allocate.
    public const int OpaqueSize = 1024;

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(nint actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(nint actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddOpen(nint actions, int fd, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(nint actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    public static partial int AttrInit(nint attr);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    public static partial int AttrDestroy(nint attr);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    public static partial int AttrSetFlags(nint attr, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int AttrSetSigDefault(nint attr, nint signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int AttrSetSigMask(nint attr, nint signals);

    [LibraryImport("libc", EntryPoint = "sigfillset")]
    public static partial int SigFillSet(nint set);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    public static partial int SigEmptySet(nint set);

    [LibraryImport("libc", EntryPoint = "posix_spawnp", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Spawn(out int pid, string file, nint actions, nint attr, nint argv, nint envp);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, out int status, int options);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "raise")]
    public static partial int Raise(int signal);

    /// <summary>A NULL-terminated array of C strings, freed by <see cref="FreeStringArray"/>.</summary>
    public static nint StringArray(IReadOnlyList<string> values)
    {
        var array = Marshal.AllocHGlobal((values.Count + 1) * nint.Size);
        for (var i = 0; i < values.Count; i++)
        {
            Marshal.WriteIntPtr(array, i * nint.Size, Marshal.StringToCoTaskMemUTF8(values[i]));
        }

        Marshal.WriteIntPtr(array, values.Count * nint.Size, 0);
        return array;
    }

    public static void FreeStringArray(nint array, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Marshal.FreeCoTaskMem(Marshal.ReadIntPtr(array, i * nint.Size));
        }

        Marshal.FreeHGlobal(array);
    }
}
