using Lodge.Core;

namespace Lodge.Linux.Host;

/// <summary>The one writer of host files for <c>lodge setup</c>, confined to its root (see <see cref="IConfinedFiles"/>).</summary>
/// <remarks>A fresh <see cref="HostRoot"/> resolves each path: a write may have created a folder since the last one, and a
/// cached answer must never stand in for the tree as it is now.</remarks>
public sealed class ConfinedFiles(string rootPath) : IConfinedFiles
{
    private readonly string _root = new HostRoot(rootPath).Path;

    /// <summary>The folder that stands for <c>/</c>.</summary>
    public string RootPath => _root;

    /// <inheritdoc/>
    public string Resolve(string hostPath)
    {
        var normalized = HostRoot.Normalize(hostPath);
        if (normalized == "/")
        {
            return _root;
        }

        var root = new HostRoot(_root);
        var parent = root.Canonicalize(HostRoot.ParentOf(normalized));
        if (HostRoot.IsUnresolvable(parent))
        {
            throw new HostAccessException($"'{hostPath}' cannot be resolved inside '{_root}': a link on the way loops (for example a link to itself or to its own absolute path).", hostPath);
        }

        var real = root.ToReal(parent == "/" ? "/" + LastName(normalized) : parent + "/" + LastName(normalized));
        if (_root != "/" && !real.StartsWith(_root + "/", StringComparison.Ordinal))
        {
            // HostRoot confines by construction; this guards the guard.
            throw new HostAccessException($"'{hostPath}' resolves to '{real}', outside '{_root}'.", hostPath);
        }

        return real;
    }

    /// <inheritdoc/>
    public void Write(string hostPath, ReadOnlySpan<byte> bytes, UnixFileMode mode)
    {
        CreateDirectory(HostRoot.ParentOf(HostRoot.Normalize(hostPath)));
        var real = Resolve(hostPath);
        var temp = Path.Combine(Path.GetDirectoryName(real)!, ".lodge-tmp-" + Path.GetFileName(real));
        try
        {
            // A planted link at the temporary name is removed, and CreateNew (O_EXCL) never follows one.
            File.Delete(temp);

            // HOST EFFECT: writes a host file below the root; callers keep a backup and restore it on revert.
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, mode);
            }

            // rename(2) replaces the name itself: a link standing there is replaced, not followed.
            File.Move(temp, real, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <inheritdoc/>
    public void Link(string hostPath, string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        CreateDirectory(HostRoot.ParentOf(HostRoot.Normalize(hostPath)));
        var real = Resolve(hostPath);
        var temp = Path.Combine(Path.GetDirectoryName(real)!, ".lodge-tmp-" + Path.GetFileName(real));
        File.Delete(temp);

        // HOST EFFECT: a symbolic link below the root (its target is only text: it is read inside the root, never followed here);
        // rename(2) puts it in place of whatever stood there.
        File.CreateSymbolicLink(temp, target);
        File.Move(temp, real, overwrite: true);
    }

    /// <inheritdoc/>
    public void Delete(string hostPath)
    {
        var real = Resolve(hostPath);
        if (File.Exists(real) || new FileInfo(real).LinkTarget is not null)
        {
            // HOST EFFECT: deletes one file (or the link itself) below the root.
            File.Delete(real);
        }
    }

    /// <inheritdoc/>
    public void CreateDirectory(string hostPath)
    {
        var normalized = HostRoot.Normalize(hostPath);
        if (normalized == "/")
        {
            return;
        }

        // One level at a time, each resolved again: a link on the way leads to a folder inside the root.
        CreateDirectory(HostRoot.ParentOf(normalized));
        var real = Resolve(normalized);
        if (new FileInfo(real).LinkTarget is not null)
        {
            var target = new HostRoot(_root).Canonicalize(normalized);
            if (HostRoot.IsUnresolvable(target))
            {
                throw new HostAccessException($"'{hostPath}' cannot be resolved inside '{_root}': a link on the way loops.", hostPath);
            }

            real = new HostRoot(_root).ToReal(target);
        }

        // HOST EFFECT: creates a folder below the root.
        Directory.CreateDirectory(real);
    }

    /// <inheritdoc/>
    public void DeleteDirectory(string hostPath, bool recursive)
    {
        var real = Resolve(hostPath);
        if (new FileInfo(real).LinkTarget is not null || !Directory.Exists(real))
        {
            return;
        }

        if (recursive || !Directory.EnumerateFileSystemEntries(real).Any())
        {
            // HOST EFFECT: removes a folder below the root that Lodge made.
            Directory.Delete(real, recursive);
        }
    }

    private static string LastName(string normalized) => normalized[(normalized.LastIndexOf('/') + 1)..];
}
