using System.Threading.Channels;

namespace Lodge.Testing.Streams;

/// <summary>One end of an in-memory, full-duplex byte stream, like a connected socket (vs-streamjsonrpc <c>FullDuplexStream.CreatePair()</c>).</summary>
/// <remarks>
/// Disposing one end is a clean close: the other end reads EOF. <see cref="Reset"/> simulates "connection reset by
/// peer": the other end's pending and later reads throw <see cref="IOException"/>. Writing to an end whose peer
/// is gone throws <see cref="IOException"/>, like EPIPE. Pending reads on an end that is disposed throw
/// <see cref="ObjectDisposedException"/>. One reader and one writer per end at a time.
/// </remarks>
public sealed class InMemoryDuplexStream : Stream
{
    private readonly Direction _incoming;
    private readonly Direction _outgoing;
    private readonly CancellationTokenSource _disposed = new();
    private ReadOnlyMemory<byte> _current;

    private InMemoryDuplexStream(Direction incoming, Direction outgoing)
    {
        _incoming = incoming;
        _outgoing = outgoing;
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Creates two connected ends: what one writes, the other reads.</summary>
    public static (InMemoryDuplexStream Client, InMemoryDuplexStream Server) CreatePair()
    {
        var toServer = new Direction();
        var toClient = new Direction();
        return (new InMemoryDuplexStream(toClient, toServer), new InMemoryDuplexStream(toServer, toClient));
    }

    /// <summary>Closes this end abruptly: the other end's reads throw <see cref="IOException"/> instead of seeing EOF.</summary>
    public void Reset()
    {
        _outgoing.Chunks.Writer.TryComplete(new IOException("Connection reset by peer (simulated by InMemoryDuplexStream)."));
        Dispose();
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        while (_current.IsEmpty)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            try
            {
                if (!await _incoming.Chunks.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                {
                    return 0;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ObjectDisposedException(nameof(InMemoryDuplexStream));
            }

            _incoming.Chunks.Reader.TryRead(out _current);
        }

        var count = Math.Min(_current.Length, buffer.Length);
        _current[..count].CopyTo(buffer);
        _current = _current[count..];
        return count;
    }

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (_outgoing.ReaderGone || !_outgoing.Chunks.Writer.TryWrite(buffer.ToArray()))
        {
            throw new IOException("The other end of the in-memory stream is closed (simulated EPIPE).");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed.IsCancellationRequested)
        {
            _outgoing.Chunks.Writer.TryComplete();
            _incoming.ReaderGone = true;
            _disposed.Cancel();
        }

        base.Dispose(disposing);
    }

    /// <summary>The bytes flowing one way; <see cref="ReaderGone"/> is set when the reading end closes.</summary>
    private sealed class Direction
    {
        public Channel<ReadOnlyMemory<byte>> Chunks { get; } = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });

        public volatile bool ReaderGone;
    }
}
