using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lodge.Qmp.Framing;

/// <summary>Writes QMP messages to a stream as compact JSON, one object per line.</summary>
/// <remarks>
/// Writes are serialized, so concurrent callers never interleave bytes. A write is not cancelled half way:
/// a partial line would corrupt the stream for every later command.
/// </remarks>
public sealed class QmpFrameWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Creates a writer over <paramref name="stream"/>; the stream is left open on dispose.</summary>
    public QmpFrameWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>Writes <paramref name="message"/> followed by a newline and flushes.</summary>
    /// <param name="message">The message to write.</param>
    /// <param name="cancellationToken">Cancels waiting for an earlier write; once bytes start to flow, the line is finished.</param>
    public async ValueTask WriteAsync(JsonObject message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            message.WriteTo(json);
        }

        buffer.Write("\n"u8);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(buffer.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
            await _stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();
}
