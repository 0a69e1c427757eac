namespace Lodge.Core.Hardware;

/// <summary>The bytes of an ids file (pci.ids, usb.ids), read by position: a file on disk is read piece by piece through
/// one buffer, never held whole.</summary>
public abstract class IdsText
{
    /// <summary>The file's length in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>Reads up to <paramref name="into"/>'s length from <paramref name="offset"/>; returns how many bytes were
    /// read (0 at the end).</summary>
    public abstract int Read(long offset, Span<byte> into);

    /// <summary>Bytes already in memory (a test's text, a file read whole for a snapshot).</summary>
    public static IdsText FromBytes(ReadOnlyMemory<byte> bytes) => new InMemory(bytes);

    private sealed class InMemory(ReadOnlyMemory<byte> bytes) : IdsText
    {
        public override long Length => bytes.Length;

        public override int Read(long offset, Span<byte> into)
        {
            if (offset >= bytes.Length)
            {
                return 0;
            }

            var source = bytes.Span[(int)offset..];
            var count = Math.Min(source.Length, into.Length);
            source[..count].CopyTo(into);
            return count;
        }
    }
}
