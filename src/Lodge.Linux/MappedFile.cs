using System.Buffers;

namespace Lodge.Linux;

/// <summary>A read-only file mapped into memory (mmap, MAP_PRIVATE): its pages come straight from the page cache, with no
/// copy and no fresh memory to fault in.</summary>
/// <remarks>For pci.ids and usb.ids (1.3 MB, of which a scan reads the vendor lines and a few blocks). A mapping is shared
/// by every later look-up of the same unchanged file (<see cref="Shared"/>) and never unmapped: a span over it may be in use
/// anywhere, and a long-running <c>lodge serve</c> scans the same file again and again. A file replaced since (a package
/// upgrade: a new inode) gets a new mapping and the old one stays, a bounded cost. A file truncated in place while mapped
/// would fault on access; package managers replace files, they do not truncate them.</remarks>
internal sealed unsafe class MappedFile : MemoryManager<byte>
{
    private readonly nint _address;
    private readonly int _length;

    private MappedFile(nint address, int length)
    {
        _address = address;
        _length = length;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Identity, MappedFile File)> Mapped = new(StringComparer.Ordinal);

    /// <summary>The mapping of a whole file of at most <paramref name="maxBytes"/>, shared while the file is unchanged
    /// (the same inode, mode, owner and change time); null when it cannot be opened or mapped, is empty or is larger.</summary>
    public static MappedFile? Shared(string path, int maxBytes)
    {
        if (Native.ChangeIdentity(path) is not { } identity)
        {
            return null;
        }

        if (Mapped.TryGetValue(path, out var known) && known.Identity == identity && known.File._length <= maxBytes)
        {
            return known.File;
        }

        var file = Map(path, maxBytes);
        if (file is not null)
        {
            Mapped[path] = (identity, file);
        }

        return file;
    }

    private static MappedFile? Map(string path, int maxBytes)
    {
        var address = Native.MapReadOnly(path, maxBytes, out var length);
        return address == 0 ? null : new MappedFile(address, length);
    }

    /// <inheritdoc/>
    public override Span<byte> GetSpan() => new((void*)_address, _length);

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)_address + elementIndex);

    /// <inheritdoc/>
    public override void Unpin()
    {
    }

    /// <summary>Nothing: a mapping is shared for the life of the process (see the remarks), so it is never unmapped.</summary>
    protected override void Dispose(bool disposing)
    {
    }
}
