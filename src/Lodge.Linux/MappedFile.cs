using System.Buffers;
using System.Runtime.InteropServices;

namespace Lodge.Linux;

/// <summary>A read-only file mapped into memory (mmap, MAP_PRIVATE): its pages come straight from the page cache, with no
/// copy and no fresh memory to fault in.</summary>
/// <remarks>For pci.ids and usb.ids (1.3 MB, of which a scan reads the vendor lines and a few blocks). A mapping is shared
/// by every later look-up of the same unchanged file (<see cref="Shared"/>) and never unmapped: a span over it may be in use
/// anywhere, and a long-running <c>lodge serve</c> scans the same file again and again. A file replaced since (a package
/// upgrade: a new inode) gets a new mapping and the old one stays, a bounded cost. A file truncated in place while mapped
/// would fault on access; package managers replace files, they do not truncate them.</remarks>
internal sealed unsafe partial class MappedFile : MemoryManager<byte>
{
    private nint _address;
    private readonly int _length;

    private MappedFile(nint address, int length)
    {
        _address = address;
        _length = length;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Identity, MappedFile File)> Mapped = new(StringComparer.Ordinal);

    /// <summary>The mapping of a whole file of at most <paramref name="maxBytes"/>, shared while the file is unchanged
    /// (the same inode, size and change time); null when it cannot be opened or mapped, is empty or is larger.</summary>
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
        const int ReadOnlyCloseOnExec = 0x80000;
        var fd = open(path, ReadOnlyCloseOnExec);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            var size = lseek(fd, 0, 2);
            if (size <= 0 || size > maxBytes)
            {
                return null; // empty, unsized (not a regular file) or too large: the caller reads it instead
            }

            var address = mmap(0, (nint)size, 1 /* PROT_READ */, 2 /* MAP_PRIVATE */, fd, 0);
            return address == -1 ? null : new MappedFile(address, (int)size);
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <inheritdoc/>
    public override Span<byte> GetSpan() =>
        _address == 0 ? throw new ObjectDisposedException(nameof(MappedFile)) : new Span<byte>((void*)_address, _length);

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)_address + elementIndex);

    /// <inheritdoc/>
    public override void Unpin()
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        var address = Interlocked.Exchange(ref _address, 0);
        if (address != 0)
        {
            _ = munmap(address, _length);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "lseek")]
    private static partial long lseek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial nint mmap(nint address, nint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int munmap(nint address, nint length);
}
