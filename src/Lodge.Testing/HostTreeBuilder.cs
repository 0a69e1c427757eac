using System.Formats.Tar;
using System.IO.Compression;
using Lodge.Linux;

namespace Lodge.Testing;

/// <summary>Builds a small host tree (files, symlinks, directories) in a fresh temp directory and deletes it on dispose.</summary>
/// <remarks>
/// Paths are host-view paths such as <c>/sys/class/vtconsole/vtcon0/name</c>; they are normalized lexically, so
/// <c>..</c> can never reach outside the tree. Link targets are written exactly as given: a relative target works like
/// sysfs's own links, an absolute one means the same path below the root (the way <see cref="HostRoot"/> resolves it).
/// <code>
/// using var tree = new HostTreeBuilder()
///     .File("/proc/cmdline", "quiet intel_iommu=on\n")
///     .Link("/sys/bus/pci/devices/0000:01:00.0", "../../../devices/pci0000:00/0000:01:00.0");
/// var root = tree.Host;
/// </code>
/// </remarks>
public sealed class HostTreeBuilder : IDisposable
{
    private readonly string _tempDir;
    private bool _disposed;

    /// <summary>Creates an empty tree in a new directory under the system temp directory.</summary>
    public HostTreeBuilder()
    {
        _tempDir = Directory.CreateTempSubdirectory("lodge-host-").FullName;
        Root = _tempDir;
    }

    private HostTreeBuilder(string tempDir, string root)
    {
        _tempDir = tempDir;
        Root = root;
    }

    /// <summary>The real directory that stands for <c>/</c>.</summary>
    public string Root { get; }

    /// <summary>A <see cref="HostRoot"/> over this tree.</summary>
    public HostRoot Host => new(Root);

    /// <summary>Unpacks a <c>.tar.gz</c> host capture; when it holds a single top-level directory, that directory becomes the root.</summary>
    public static HostTreeBuilder FromArchive(string tarGzPath)
    {
        var tempDir = Directory.CreateTempSubdirectory("lodge-fixture-").FullName;
        try
        {
            using (var file = System.IO.File.OpenRead(tarGzPath))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            {
                TarFile.ExtractToDirectory(gzip, tempDir, overwriteFiles: false);
            }

            var top = Directory.GetFileSystemEntries(tempDir);
            var root = top.Length == 1 && Directory.Exists(top[0]) && new DirectoryInfo(top[0]).LinkTarget is null ? top[0] : tempDir;
            return new HostTreeBuilder(tempDir, root);
        }
        catch
        {
            DeleteTree(tempDir);
            throw;
        }
    }

    /// <summary>The real path of a host-view path inside this tree.</summary>
    public string RealPath(string hostPath)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!hostPath.StartsWith('/'))
        {
            throw new ArgumentException($"'{hostPath}' is not an absolute host path such as '/sys/class'.", nameof(hostPath));
        }

        var normalized = HostRoot.Normalize(hostPath);
        return normalized == "/" ? Root : Root + normalized;
    }

    /// <summary>Writes a text file (UTF-8, no BOM), creating its parent directories.</summary>
    public HostTreeBuilder File(string hostPath, string text) => Bytes(hostPath, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Writes a binary file, creating its parent directories.</summary>
    public HostTreeBuilder Bytes(string hostPath, byte[] content)
    {
        var real = RealPath(hostPath);
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        System.IO.File.WriteAllBytes(real, content);
        return this;
    }

    /// <summary>Creates a symlink whose raw target is <paramref name="target"/>, creating the link's parent directories.</summary>
    public HostTreeBuilder Link(string hostPath, string target)
    {
        var real = RealPath(hostPath);
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        System.IO.File.CreateSymbolicLink(real, target);
        return this;
    }

    /// <summary>Creates a directory and its parents.</summary>
    public HostTreeBuilder Dir(string hostPath)
    {
        Directory.CreateDirectory(RealPath(hostPath));
        return this;
    }

    /// <summary>Deletes the whole temp directory, links as links (their targets are never followed).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DeleteTree(_tempDir);
    }

    private static void DeleteTree(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Captured trees may hold read-only directories (dr-xr-xr-x); make them writable and try once more.
        }

        try
        {
            MakeWritable(new DirectoryInfo(dir));
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temp directory must not fail the test that used it.
        }
    }

    private static void MakeWritable(DirectoryInfo dir)
    {
        if (OperatingSystem.IsWindows() || dir.LinkTarget is not null)
        {
            return;
        }

        dir.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        foreach (var child in dir.EnumerateDirectories())
        {
            MakeWritable(child);
        }
    }
}
