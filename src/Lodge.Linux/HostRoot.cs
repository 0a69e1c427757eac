using System.Text;

namespace Lodge.Linux;

/// <summary>The root every host read goes through: <c>/</c> in production, a captured tree in tests.</summary>
/// <remarks>
/// Paths given to it are host-view absolute paths such as <c>/sys/bus/pci/devices</c>. Under a root other than
/// <c>/</c>, symlinks are resolved by hand and stay confined to the root: an absolute link target
/// (<c>/lib/systemd/system/gdm.service</c>) means the same path below the root, and <c>..</c> never climbs above it.
/// A missing or unreadable file reads as null; nothing here throws for host content.
/// </remarks>
public sealed class HostRoot
{
    private const int MaxLinkHops = 40;
    private const string LoopSentinel = "/\u0001lodge-link-loop";
    private readonly Dictionary<string, string> _resolved = new(StringComparer.Ordinal);
    private readonly bool _manual;

    /// <summary>Creates a root at <paramref name="path"/>; <paramref name="log"/> records every access for <c>lodge snapshot</c>.</summary>
    public HostRoot(string path, HostAccessLog? log = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (Path.Length > 1)
        {
            Path = Path.TrimEnd('/');
        }

        Log = log;
        _manual = Path != "/" || log is not null;
    }

    /// <summary>The directory that stands for <c>/</c>.</summary>
    public string Path { get; }

    /// <summary>True when this is the running system's own root.</summary>
    public bool IsSystemRoot => Path == "/";

    /// <summary>The access log, when recording.</summary>
    public HostAccessLog? Log { get; }

    /// <summary>Reads a text file, or null when it is missing or unreadable. At most <paramref name="maxBytes"/> are read.</summary>
    public string? ReadText(string hostPath, int maxBytes = 4 << 20)
    {
        var bytes = ReadBytes(hostPath, maxBytes);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Reads a one-line attribute and trims it, or null when missing, unreadable or empty after trimming is not asked.</summary>
    public string? ReadAttribute(string hostPath) => ReadText(hostPath, 64 * 1024)?.Trim();

    /// <summary>Reads a file's bytes, or null.</summary>
    public byte[]? ReadBytes(string hostPath, int maxBytes)
    {
        var canonical = Canonicalize(hostPath);
        var real = ToReal(canonical);
        byte[]? data;
        try
        {
            using var stream = new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.None);
            data = ReadUpTo(stream, maxBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return null;
        }

        Log?.RecordFile(canonical, data);
        return data;
    }

    /// <summary>The raw target of a symlink (as readlink prints it), or null when the path is not a link.</summary>
    public string? ReadLink(string hostPath)
    {
        var parent = ParentOf(hostPath);
        var name = NameOf(hostPath);
        var canonical = Combine(Canonicalize(parent), name);
        return ReadLinkRaw(canonical);
    }

    /// <summary>The last component of a link's target, e.g. a <c>driver</c> link's driver name.</summary>
    public string? ReadLinkName(string hostPath)
    {
        var target = ReadLink(hostPath);
        return target is null ? null : NameOf(target.TrimEnd('/'));
    }

    /// <summary>The entries of a directory, sorted ordinally; empty when it is missing.</summary>
    public IReadOnlyList<string> ListDirectory(string hostPath)
    {
        var canonical = Canonicalize(hostPath);
        var real = ToReal(canonical);
        string[] names;
        try
        {
            names = Directory.GetFileSystemEntries(real).Select(e => System.IO.Path.GetFileName(e)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return [];
        }

        Array.Sort(names, StringComparer.Ordinal);
        if (Log is not null)
        {
            Log.RecordDirectory(canonical);
            foreach (var n in names)
            {
                var child = Combine(canonical, n);
                var link = ReadLinkRaw(child);
                if (link is null)
                {
                    Log.RecordEntry(child, Directory.Exists(ToReal(child)));
                }
            }
        }

        return names;
    }

    /// <summary>True when a file or directory exists at the path (links followed).</summary>
    public bool Exists(string hostPath)
    {
        var canonical = Canonicalize(hostPath);
        var real = ToReal(canonical);
        var isDir = Directory.Exists(real);
        var exists = isDir || File.Exists(real);
        if (exists)
        {
            Log?.RecordEntry(canonical, isDir);
        }

        return exists;
    }

    /// <summary>True when a directory exists at the path (links followed).</summary>
    public bool DirectoryExists(string hostPath)
    {
        var canonical = Canonicalize(hostPath);
        var exists = Directory.Exists(ToReal(canonical));
        if (exists)
        {
            Log?.RecordDirectory(canonical);
        }

        return exists;
    }

    /// <summary>Resolves every symlink in the path, confined to the root, and returns the host-view path.</summary>
    public string Canonicalize(string hostPath)
    {
        if (!_manual)
        {
            return Normalize(hostPath);
        }

        var normalized = Normalize(hostPath);
        if (_resolved.TryGetValue(normalized, out var hit))
        {
            return hit;
        }

        var result = Resolve(normalized, 0);
        _resolved[normalized] = result;
        return result;
    }

    /// <summary>The real filesystem path of a host-view path, without resolving links.</summary>
    public string ToReal(string hostPath) => Path == "/" ? hostPath : Path + hostPath;

    private string Resolve(string normalized, int hops)
    {
        var parts = normalized.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string>(parts.Length);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (current.Count > 0)
                {
                    current.RemoveAt(current.Count - 1);
                }

                continue;
            }

            current.Add(part);
            var candidate = "/" + string.Join('/', current);
            var target = ReadLinkRaw(candidate);
            if (target is null)
            {
                continue;
            }

            if (hops >= MaxLinkHops)
            {
                // A link loop (ELOOP): resolve to a path that cannot exist, so every read of it fails softly.
                return LoopSentinel;
            }

            current.RemoveAt(current.Count - 1);
            var rest = string.Join('/', parts.Skip(i + 1));
            var baseDir = "/" + string.Join('/', current);
            var joined = target.StartsWith('/') ? target : baseDir + "/" + target;
            if (rest.Length > 0)
            {
                joined += "/" + rest;
            }

            return Resolve(Normalize(joined), hops + 1);
        }

        return "/" + string.Join('/', current);
    }

    private string? ReadLinkRaw(string canonicalHostPath)
    {
        string? target;
        try
        {
            var info = new FileInfo(ToReal(canonicalHostPath));
            target = info.LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }

        if (target is not null)
        {
            Log?.RecordLink(canonicalHostPath, target);
        }

        return target;
    }

    private static byte[] ReadUpTo(Stream stream, int maxBytes)
    {
        var buffer = new byte[Math.Min(maxBytes, 8192)];
        using var ms = new MemoryStream();
        while (ms.Length < maxBytes)
        {
            var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, maxBytes - ms.Length));
            if (n <= 0)
            {
                break;
            }

            ms.Write(buffer, 0, n);
        }

        return ms.ToArray();
    }

    /// <summary>Collapses duplicate slashes and <c>.</c>/<c>..</c> components lexically; the result starts with '/'.</summary>
    public static string Normalize(string hostPath)
    {
        var parts = hostPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var stack = new List<string>(parts.Length);
        foreach (var p in parts)
        {
            if (p == ".")
            {
                continue;
            }

            if (p == "..")
            {
                if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                }

                continue;
            }

            stack.Add(p);
        }

        return "/" + string.Join('/', stack);
    }

    /// <summary>Joins a host-view directory and a name.</summary>
    public static string Combine(string dir, string name) => dir.EndsWith('/') ? dir + name : dir + "/" + name;

    /// <summary>The last component of a path.</summary>
    public static string NameOf(string path)
    {
        var i = path.LastIndexOf('/');
        return i < 0 ? path : path[(i + 1)..];
    }

    /// <summary>The directory part of a path ('/' for top-level names).</summary>
    public static string ParentOf(string path)
    {
        var n = Normalize(path);
        var i = n.LastIndexOf('/');
        return i <= 0 ? "/" : n[..i];
    }
}
