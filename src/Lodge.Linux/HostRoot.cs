using System.Text;

namespace Lodge.Linux;

/// <summary>The root every host read goes through: <c>/</c> in production, a captured tree in tests.</summary>
/// <remarks>
/// Paths given to it are host-view absolute paths such as <c>/sys/bus/pci/devices</c>. Under a root other than
/// <c>/</c>, symlinks are resolved by hand and stay confined to the root: an absolute link target
/// (<c>/lib/systemd/system/gdm.service</c>) means the same path below the root, and <c>..</c> never climbs above it.
/// A missing or unreadable file reads as null; nothing here throws for host content.
/// </remarks>
public sealed partial class HostRoot
{
    private const int MaxLinkHops = 40;
    private const int MaxAttributeBytes = 64 * 1024;
    private const string LoopSentinel = "/\u0001lodge-link-loop";
    private readonly Dictionary<string, string> _resolved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _resolvedBySpan;
    private readonly Dictionary<string, Dictionary<string, EntryKind>?> _listings = new(StringComparer.Ordinal);
    private readonly bool _manual;
    private byte[]? _scratch;

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
        _resolvedBySpan = _resolved.GetAlternateLookup<ReadOnlySpan<char>>();
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
    /// <remarks>The bytes land in one buffer this root reuses for every attribute; only the trimmed text is allocated.</remarks>
    public string? ReadAttribute(string hostPath)
    {
        if (Log is not null)
        {
            return ReadText(hostPath, MaxAttributeBytes)?.Trim();
        }

        var canonical = CanonicalizeLeaf(hostPath, out var kind);
        if (kind == EntryKind.Missing)
        {
            return null;
        }

        _scratch ??= new byte[MaxAttributeBytes];
        var length = Native.ReadInto(Path, canonical, _scratch);
        if (length < 0)
        {
            return null;
        }

        return TrimmedText(_scratch.AsSpan(0, length));
    }

    // Trimming ASCII white space before decoding, then trimming the text, is the same as decoding then trimming.
    private static string TrimmedText(ReadOnlySpan<byte> read)
    {
        var bytes = read.Trim(" \t\n\r\v\f"u8);
        return bytes.IsEmpty ? string.Empty : Encoding.UTF8.GetString(bytes).Trim();
    }

    /// <summary>Reads at most <c>buffer.Length</c> bytes of a file into <paramref name="buffer"/>: the length read, or -1
    /// when it is missing or unreadable. Nothing is allocated (except the copy a recording root keeps).</summary>
    public int ReadInto(string hostPath, byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var canonical = CanonicalizeLeaf(hostPath, out var kind);
        if (kind == EntryKind.Missing)
        {
            return -1;
        }

        var length = Native.ReadInto(Path, canonical, buffer);
        if (length >= 0)
        {
            Log?.RecordFile(canonical, buffer.AsSpan(0, length).ToArray());
        }

        return length;
    }

    /// <summary>A file opened for reads by position (pread through one descriptor, so the file is never held whole and none
    /// of its pages count as this process's memory), or null when it is missing or unreadable. A recording root also reads
    /// it whole once, so that the snapshot keeps it. A file larger than <paramref name="maxBytes"/> is cut there, as
    /// <see cref="ReadBytes"/> cuts it.</summary>
    public HostFile? OpenFile(string hostPath, int maxBytes)
    {
        var canonical = CanonicalizeLeaf(hostPath, out var kind);
        if (kind == EntryKind.Missing)
        {
            return null;
        }

        if (Log is not null && ReadBytes(hostPath, maxBytes) is null)
        {
            return null;
        }

        return HostFile.Open(ToReal(canonical), maxBytes);
    }

    /// <summary>Reads a file's bytes, or null.</summary>
    public byte[]? ReadBytes(string hostPath, int maxBytes)
    {
        var canonical = CanonicalizeLeaf(hostPath, out var kind);
        if (kind == EntryKind.Missing)
        {
            return null;
        }

        var data = Native.ReadFile(ToReal(canonical), maxBytes);
        if (data is null)
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
        var canonicalParent = Canonicalize(parent);
        if (_manual && KindOf(canonicalParent, name) != EntryKind.Link)
        {
            // The parent's listing says it is no link (or absent): no readlink to fail.
            return null;
        }

        return ReadLinkRaw(Combine(canonicalParent, name));
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
        if (!_listings.TryGetValue(canonical, out var listing))
        {
            // The parent's listing (already read to resolve the path) tells when there is nothing to open.
            var absent = canonical.StartsWith(LoopSentinel, StringComparison.Ordinal)
                || (_manual && KindOfCanonical(canonical) == EntryKind.Missing);
            listing = absent ? null : ListKinds(ToReal(canonical));
            _listings[canonical] = listing;
        }

        if (listing is null)
        {
            return [];
        }

        var names = listing.Keys.ToArray();
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
        var canonical = CanonicalizeLeaf(hostPath, out var kind);
        bool isDir, exists;
        if (_manual)
        {
            // Resolved paths end in no link, so being listed in the (resolved) parent is existing.
            exists = kind != EntryKind.Missing;
            isDir = exists && Log is not null && Directory.Exists(ToReal(canonical));
        }
        else
        {
            var real = ToReal(canonical);
            isDir = Directory.Exists(real);
            exists = isDir || File.Exists(real);
        }

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
        var exists = (!_manual || KindOfCanonical(canonical) != EntryKind.Missing) && Directory.Exists(ToReal(canonical));
        if (exists)
        {
            Log?.RecordDirectory(canonical);
        }

        return exists;
    }

    /// <summary>Resolves every symlink in the path, confined to the root, and returns the host-view path.</summary>
    public string Canonicalize(string hostPath)
    {
        var normalized = Normalize(hostPath);
        return _manual ? Resolve(normalized, 0) : normalized;
    }

    // Canonicalize for a path read once (an attribute, a file): the parent folders are resolved and cached as ever, the
    // last component is looked up in its parent's listing without caching the path itself, so a scan of thousands of
    // attributes neither grows the cache nor allocates more than the result (the same string when nothing changed).
    // kind is Missing when the resolved path does not exist, Unknown when it may (always on the running system).
    private string CanonicalizeLeaf(string hostPath, out EntryKind kind)
    {
        var normalized = Normalize(hostPath);
        if (!_manual)
        {
            kind = EntryKind.Unknown;
            return normalized;
        }

        if (normalized == "/" || _resolved.ContainsKey(normalized))
        {
            var known = Resolve(normalized, 0);
            kind = KindOfCanonical(known);
            return known;
        }

        var slash = normalized.LastIndexOf('/');
        var parentPath = slash == 0 ? "/".AsSpan() : normalized.AsSpan(0, slash);
        var parent = _resolvedBySpan.TryGetValue(parentPath, out var cachedParent) ? cachedParent : Resolve(parentPath.ToString(), 0);
        var name = normalized.AsSpan(slash + 1);
        kind = KindOf(parent, name);
        if (kind == EntryKind.Link)
        {
            // A link at the end (rare for reads): resolved and cached the general way.
            var resolved = Resolve(normalized, 0);
            kind = KindOfCanonical(resolved);
            return resolved;
        }

        var unchanged = parent.Length == parentPath.Length && parentPath.SequenceEqual(parent);
        return unchanged ? normalized : string.Concat(parent, parent.EndsWith('/') ? string.Empty : "/", name);
    }

    /// <summary>True when <paramref name="canonical"/> (from <see cref="Canonicalize"/>) stands for a link loop that resolves nowhere.</summary>
    public static bool IsUnresolvable(string canonical) => canonical.StartsWith(LoopSentinel, StringComparison.Ordinal);

    /// <summary>The real filesystem path of a host-view path, without resolving links.</summary>
    public string ToReal(string hostPath) => Path == "/" ? hostPath : Path + hostPath;

    // Resolves a normalized path one component at a time: the parent is resolved (and cached) first, then only the
    // last component is checked for a link. Sysfs attribute reads share their device directory, so each read costs
    // one readlink instead of one per component. Every folder met as a parent is cached (a link's target is resolved
    // through the same cache, so the bridges above a thousand devices are resolved once); a result cut short by the
    // hop limit is cached only for a path asked for directly, where it means a real loop.
    private string Resolve(string normalized, int hops, bool cache = true)
    {
        if (normalized == "/")
        {
            return "/";
        }

        if (_resolved.TryGetValue(normalized, out var hit))
        {
            return hit;
        }

        if (hops > MaxLinkHops)
        {
            // A link loop (ELOOP): resolve to a path that cannot exist, so every read of it fails softly.
            return LoopSentinel;
        }

        var slash = normalized.LastIndexOf('/');
        var parentPath = slash == 0 ? "/".AsSpan() : normalized.AsSpan(0, slash);
        var parent = _resolvedBySpan.TryGetValue(parentPath, out var cachedParent) ? cachedParent : Resolve(parentPath.ToString(), hops);
        var name = normalized.AsSpan(slash + 1);
        var unchanged = parent.Length == parentPath.Length && parentPath.SequenceEqual(parent);
        var candidate = unchanged ? normalized : string.Concat(parent, parent.EndsWith('/') ? string.Empty : "/", name);
        var target = KindOf(parent, name) == EntryKind.Link ? ReadLinkRaw(candidate) : null;
        var result = target is null
            ? candidate
            : Resolve(Normalize(target.StartsWith('/') ? target : Combine(parent, target)), hops + 1, cache: false);
        if (hops == 0 || (cache && !ReferenceEquals(result, LoopSentinel)))
        {
            _resolved[normalized] = result;
        }

        return result;
    }

    // Under a captured tree, each directory is listed once and whether each entry is a link (getdents' d_type) is
    // remembered: a missing attribute then costs no failed open and a plain file no readlink. A HostRoot therefore
    // sees a tree as it was when first listed; make a new one to see later writes.
    private EntryKind KindOf(string canonicalDir, ReadOnlySpan<char> name)
    {
        if (!_manual)
        {
            return EntryKind.Unknown;
        }

        if (!_listings.TryGetValue(canonicalDir, out var listing))
        {
            listing = canonicalDir.StartsWith(LoopSentinel, StringComparison.Ordinal) ? null : ListKinds(ToReal(canonicalDir));
            _listings[canonicalDir] = listing;
        }

        return listing is not null && listing.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var kind) ? kind : EntryKind.Missing;
    }

    private static Dictionary<string, EntryKind>? ListKinds(string realDir)
    {
        var entries = Native.ListDirectory(realDir);
        if (entries is null)
        {
            return null;
        }

        var map = new Dictionary<string, EntryKind>(entries.Count, StringComparer.Ordinal);
        foreach (var (name, maybeLink) in entries)
        {
            map[name] = maybeLink ? EntryKind.Link : EntryKind.Unknown;
        }

        return map;
    }

    private EntryKind KindOfCanonical(string canonical)
    {
        if (canonical == "/")
        {
            return EntryKind.Directory;
        }

        var slash = canonical.LastIndexOf('/');
        return KindOf(slash == 0 ? "/" : canonical[..slash], canonical.AsSpan(slash + 1));
    }

    private enum EntryKind
    {
        Missing,
        Unknown,
        File,
        Directory,
        Link,
    }

    private string? ReadLinkRaw(string canonicalHostPath)
    {
        var target = Native.ReadLink(ToReal(canonicalHostPath));
        if (target is not null)
        {
            Log?.RecordLink(canonicalHostPath, target);
        }

        return target;
    }

    /// <summary>Collapses duplicate slashes and <c>.</c>/<c>..</c> components lexically; the result starts with '/'.</summary>
    public static string Normalize(string hostPath)
    {
        ArgumentNullException.ThrowIfNull(hostPath);
        if (IsNormal(hostPath))
        {
            return hostPath;
        }

        // Components are copied into one buffer ("/a/b"); ".." cuts it back to its last '/'. No string per component.
        var buffer = hostPath.Length < 512 ? stackalloc char[512] : new char[hostPath.Length + 1];
        var length = 0;
        foreach (var range in hostPath.AsSpan().Split('/'))
        {
            var part = hostPath.AsSpan()[range];
            if (part.IsEmpty || part is ".")
            {
                continue;
            }

            if (part is "..")
            {
                length = Math.Max(0, buffer[..length].LastIndexOf('/'));
                continue;
            }

            buffer[length++] = '/';
            part.CopyTo(buffer[length..]);
            length += part.Length;
        }

        return length == 0 ? "/" : new string(buffer[..length]);
    }

    // Already in Normalize's form: starts with '/', no empty, '.' or '..' component, no trailing '/' (except "/").
    private static bool IsNormal(string path)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            return false;
        }

        if (path.Length == 1)
        {
            return true;
        }

        var start = 1;
        for (var i = 1; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                continue;
            }

            var length = i - start;
            if (length == 0 || (length == 1 && path[start] == '.') || (length == 2 && path[start] == '.' && path[start + 1] == '.'))
            {
                return false;
            }

            start = i + 1;
        }

        return true;
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
