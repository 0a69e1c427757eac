namespace Lodge.Linux.Simulation;

/// <summary>Copies a host tree into a fresh temporary folder, keeping symlinks as links; deleting it on Dispose.</summary>
public sealed class TreeCopy : IDisposable
{
    /// <summary>Copies <paramref name="source"/> (or makes an empty tree when null).</summary>
    public TreeCopy(string? source = null)
        : this(source, CancellationToken.None)
    {
    }

    /// <summary>Copies <paramref name="source"/>; a failed or cancelled copy deletes what it made before it throws.</summary>
    public TreeCopy(string? source, CancellationToken cancellationToken)
    {
        Root = CreateRoot();
        if (source is null)
        {
            return;
        }

        try
        {
            CopyDirectory(source, Root, cancellationToken);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    // A copy is thousands of small files and links: on tmpfs (/dev/shm) that is RAM work, on a disk-backed /tmp it is
    // not. $LODGE_TREE_TMP overrides both.
    private static string CreateRoot()
    {
        var parent = Environment.GetEnvironmentVariable("LODGE_TREE_TMP") is { Length: > 0 } env ? env
            : Directory.Exists("/dev/shm") ? "/dev/shm"
            : null;
        if (parent is not null)
        {
            try
            {
                var dir = Path.Combine(parent, "lodge-tree-" + Guid.NewGuid().ToString("N")[..12]);
                Directory.CreateDirectory(dir);
                return dir;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not writable here: fall back to the system's temp folder.
            }
        }

        return Directory.CreateTempSubdirectory("lodge-tree-").FullName;
    }

    /// <summary>The copy's root folder.</summary>
    public string Root { get; }

    /// <summary>Every regular file, link and folder below the root, as full paths.</summary>
    public IReadOnlyList<string> Entries() => Walk(Root);

    /// <summary>Every entry below <paramref name="root"/>, depth first, never following a symlink (sysfs links loop).</summary>
    public static IReadOnlyList<string> Walk(string root)
    {
        var result = new List<string>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            foreach (var entry in new DirectoryInfo(pending.Pop()).EnumerateFileSystemInfos())
            {
                result.Add(entry.FullName);
                if (entry is DirectoryInfo && entry.LinkTarget is null)
                {
                    pending.Push(entry.FullName);
                }
            }
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A test that made a folder unreadable leaves it to the system's temp cleanup.
        }
    }

    // statx's file type (include/uapi/linux/stat.h): S_IFREG 0x8000, S_IFDIR 0x4000; everything else that is not a link
    // (S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK) is not copied byte for byte. A path statx cannot read is left to File.Copy.
    private static bool IsSpecial(string path) => Native.Stat(path) is { TypeBits: not (0x8000 or 0x4000) };

    private static void CopyDirectory(string from, string to, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo dir)
            {
                CopyDirectory(dir.FullName, target, cancellationToken);
            }
            else if (IsSpecial(entry.FullName))
            {
                // A captured tree may hold device nodes, fifos and sockets (/dev/dri/card0, a runtime socket). Reading one
                // blocks or fails (a fifo waits for a writer, /dev/zero never ends), and only root may make a node: the copy
                // gets an empty file of the same name, which is all the simulation reads of it (that the path exists).
                File.WriteAllBytes(target, []);
            }
            else
            {
                File.Copy(entry.FullName, target);
            }
        }
    }
}
