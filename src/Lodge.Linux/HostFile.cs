using Microsoft.Win32.SafeHandles;

namespace Lodge.Linux;

/// <summary>A file read by position (<see cref="HostRoot.OpenFile"/>): through an open descriptor with pread(2).</summary>
/// <remarks>For pci.ids and usb.ids (1.3 MB, of which a scan reads the vendor lines once and a few vendors' blocks again).
/// Read, not mapped: the kernel maps a touched page of a mapping with up to 64 KB around it, and every mapped page counts
/// as the process's memory, while pages read into a buffer stay the page cache's. The descriptor closes with the object
/// (its SafeHandle), or when the process ends.</remarks>
public sealed class HostFile
{
    private readonly SafeFileHandle _handle;

    private HostFile(SafeFileHandle handle, long length)
    {
        _handle = handle;
        Length = length;
    }

    /// <summary>The file's length in bytes (cut at the most the opener asked for).</summary>
    public long Length { get; }

    /// <summary>Opens a regular file for reads; null when it cannot be opened or is not a regular file.</summary>
    internal static HostFile? Open(string realPath, int maxBytes)
    {
        // Only a regular file: opening a FIFO put where pci.ids belongs would wait for a writer.
        if (Native.Stat(realPath) is not { TypeBits: 0x8000 })
        {
            return null;
        }

        try
        {
            var handle = File.OpenHandle(realPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new HostFile(handle, Math.Min(RandomAccess.GetLength(handle), maxBytes));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Reads up to <paramref name="into"/>'s length from <paramref name="offset"/>: the bytes read, 0 at the end or
    /// when the file can no longer be read.</summary>
    public int Read(long offset, Span<byte> into)
    {
        if (offset >= Length)
        {
            return 0;
        }

        try
        {
            return RandomAccess.Read(_handle, into[..(int)Math.Min(into.Length, Length - offset)], offset);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
