namespace Lodge.Linux;

/// <summary>Records every path a scan touched, so that <c>lodge snapshot</c> captures exactly what the scanner reads.</summary>
/// <remarks>Paths are canonical host-view paths. Symlinks are kept as links (their raw target), files with the bytes read.</remarks>
public sealed class HostAccessLog
{
    private readonly SortedDictionary<string, HostAccessEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Everything recorded, sorted by path.</summary>
    public IReadOnlyList<KeyValuePair<string, HostAccessEntry>> Entries
    {
        get
        {
            lock (_gate)
            {
                return _entries.ToList();
            }
        }
    }

    internal void RecordFile(string path, byte[] content)
    {
        lock (_gate)
        {
            _entries[path] = new HostAccessEntry(HostAccessKind.File, content, null);
        }
    }

    internal void RecordLink(string path, string target)
    {
        lock (_gate)
        {
            _entries[path] = new HostAccessEntry(HostAccessKind.Link, null, target);
        }
    }

    internal void RecordDirectory(string path)
    {
        lock (_gate)
        {
            _entries.TryAdd(path, new HostAccessEntry(HostAccessKind.Directory, null, null));
        }
    }

    /// <summary>Records that an entry exists without reading it (a file becomes an empty placeholder).</summary>
    internal void RecordEntry(string path, bool isDirectory)
    {
        lock (_gate)
        {
            _entries.TryAdd(path, new HostAccessEntry(isDirectory ? HostAccessKind.Directory : HostAccessKind.Placeholder, null, null));
        }
    }
}
