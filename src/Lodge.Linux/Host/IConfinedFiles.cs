namespace Lodge.Linux.Host;

/// <summary>Every file write of <c>lodge setup</c>, confined to one root: a link met on the way is resolved inside the root,
/// exactly as <see cref="HostRoot"/> resolves reads, so no write ever lands outside it.</summary>
public interface IConfinedFiles
{
    /// <summary>The real path of host path <paramref name="hostPath"/>: every folder on the way resolved inside the root,
    /// the last name kept as it is (a link there is replaced by a write, never followed).</summary>
    /// <exception cref="Core.HostAccessException">The path cannot be resolved inside the root (a link loop).</exception>
    string Resolve(string hostPath);

    /// <summary>Writes beside the target, flushes and renames over it, so a reader or a crash never sees half a file.</summary>
    void Write(string hostPath, ReadOnlySpan<byte> bytes, UnixFileMode mode);

    /// <summary>Puts a symbolic link to <paramref name="target"/> (a host path, written as it is) at <paramref name="hostPath"/>,
    /// replacing a file or link standing there, as <c>systemctl enable</c> does in the <c>.wants</c> folders.</summary>
    void Link(string hostPath, string target);

    /// <summary>Deletes a file (or the link standing at its place); nothing when it is absent.</summary>
    void Delete(string hostPath);

    /// <summary>Creates a folder and any missing parent, each inside the root.</summary>
    void CreateDirectory(string hostPath);

    /// <summary>Deletes a folder: only when empty, or with everything below it when <paramref name="recursive"/>.</summary>
    void DeleteDirectory(string hostPath, bool recursive);
}
