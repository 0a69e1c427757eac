using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lodge.Qmp.Framing;

/// <summary>Reads QMP messages, one JSON object per line, from a stream.</summary>
/// <remarks>
/// QEMU ends every message with <c>\r\n</c> (sample: <c>{"return": {}, "id": 1}\r\n</c>); the <c>\r</c> is JSON
/// whitespace, so only <c>\n</c> delimits. Blank lines are skipped. This layer knows nothing of greetings, ids
/// or events (house style §2). Not safe for concurrent readers.
/// </remarks>
public sealed class QmpFrameReader : IAsyncDisposable
{
    /// <summary>The default limit on one message; a <c>query-qmp-schema</c> reply is well under 1 MiB.</summary>
    public const int DefaultMaxMessageBytes = 16 * 1024 * 1024;

    private readonly PipeReader _reader;
    private readonly int _maxMessageBytes;

    /// <summary>Creates a reader over <paramref name="stream"/>; the stream is left open on dispose.</summary>
    public QmpFrameReader(Stream stream, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 2);
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>Reads the next message, or returns <see langword="null"/> at a clean end of stream.</summary>
    /// <exception cref="QmpProtocolException">A line is not a JSON object, is too long, or the stream ends inside one.</exception>
    /// <exception cref="IOException">The transport failed, for example with a connection reset.</exception>
    public async ValueTask<JsonObject?> ReadAsync(CancellationToken cancellationToken = default)
    {
        // Bytes already searched for '\n', so a large message arriving in many chunks is scanned once.
        long scanned = 0;
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var newline = buffer.Slice(Math.Min(scanned, buffer.Length)).PositionOf((byte)'\n');
            if (newline is { } end)
            {
                // Parse before AdvanceTo: the pipe may reuse the memory once it is consumed.
                var line = buffer.Slice(0, end);
                try
                {
                    if (line.Length > _maxMessageBytes)
                    {
                        throw new QmpProtocolException($"QEMU sent a QMP message of {line.Length} bytes, more than the limit of {_maxMessageBytes} bytes.");
                    }

                    if (!IsBlank(line))
                    {
                        return Parse(line);
                    }
                }
                finally
                {
                    _reader.AdvanceTo(buffer.GetPosition(1, end));
                }

                scanned = 0;
                continue;
            }

            if (buffer.Length > _maxMessageBytes)
            {
                _reader.AdvanceTo(buffer.End);
                throw new QmpProtocolException($"QEMU sent more than {_maxMessageBytes} bytes without a newline, which is more than one QMP message may hold.");
            }

            if (result.IsCompleted)
            {
                var blank = IsBlank(buffer);
                var rest = blank ? null : Encoding.UTF8.GetString(buffer);
                _reader.AdvanceTo(buffer.End);
                return blank
                    ? null
                    : throw new QmpProtocolException("The QMP stream ended in the middle of a message.", rest);
            }

            // Nothing complete yet: consume nothing, but mark everything examined so the next read waits for more.
            scanned = buffer.Length;
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _reader.CompleteAsync().ConfigureAwait(false);

    private static JsonObject Parse(ReadOnlySequence<byte> line)
    {
        JsonNode? node;
        try
        {
            var json = new Utf8JsonReader(line);
            node = JsonNode.Parse(ref json);
        }
        catch (JsonException ex)
        {
            throw new QmpProtocolException("QEMU sent a QMP message that is not valid JSON.", Encoding.UTF8.GetString(line), ex);
        }

        // QMP spec, section 2: every message is a JSON object.
        return node as JsonObject
            ?? throw new QmpProtocolException("QEMU sent a QMP message that is not a JSON object.", Encoding.UTF8.GetString(line));
    }

    private static bool IsBlank(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
