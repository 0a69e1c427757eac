using System.Text;

namespace Lodge.Cli;

/// <summary>A writer for a terminal that may go away while lodge runs: after the first failed write (EIO once the
/// terminal hung up, for example when the display manager a handoff stops takes the terminal emulator with it), output
/// is dropped instead of failing the command. A lost terminal must never stop a handoff halfway; the journal and the
/// outcome report still record everything.</summary>
public sealed class HangupSafeWriter(TextWriter inner) : TextWriter
{
    private volatile bool gone;

    /// <summary>True once a write failed and output is being dropped.</summary>
    public bool IsGone => gone;

    /// <inheritdoc/>
    public override Encoding Encoding => inner.Encoding;

    /// <inheritdoc/>
    public override void Write(char value) => Guard(value, static (w, v) => w.Write(v));

    /// <inheritdoc/>
    public override void Write(string? value) => Guard(value, static (w, v) => w.Write(v));

    /// <inheritdoc/>
    public override void Write(char[] buffer, int index, int count) => Guard((buffer, index, count), static (w, v) => w.Write(v.buffer, v.index, v.count));

    /// <inheritdoc/>
    public override void WriteLine(string? value) => Guard(value, static (w, v) => w.WriteLine(v));

    /// <inheritdoc/>
    public override void Flush() => Guard(0, static (w, _) => w.Flush());

    /// <summary>Hands <paramref name="write"/> the byte stream under this writer (after flushing the text written so far),
    /// so UTF-8 goes out without a string of the whole document; false when there is no such stream (nothing is written).
    /// A failed write drops output from then on, as for text.</summary>
    public bool TryWriteBytes(Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (inner is not StreamWriter { BaseStream: { CanWrite: true } stream } streamWriter)
        {
            return false;
        }

        Guard((streamWriter, stream, write), static (_, v) =>
        {
            v.streamWriter.Flush();
            v.write(v.stream);
        });
        return true;
    }

    private void Guard<T>(T value, Action<TextWriter, T> write)
    {
        if (gone)
        {
            return;
        }

        try
        {
            write(inner, value);
        }
        catch (IOException)
        {
            gone = true;
        }
    }
}
