using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Lodge.Qmp.Protocol;

/// <summary>A buffered stream of QMP events, optionally filtered by name, that completes when its session closes.</summary>
/// <remarks>
/// Create one with <see cref="QmpSession.Listen"/> <em>before</em> sending the command that causes the event, so it
/// cannot be missed (qemu.qmp <c>EventListener</c>). Events that arrived before a reply are buffered by the time the
/// command's task completes. Enumerate with <c>await foreach</c>; enumeration ends when the session closes.
/// </remarks>
public sealed class QmpEventListener : IAsyncEnumerable<QmpEvent>, IDisposable
{
    private readonly Channel<QmpEvent> _channel;
    private readonly HashSet<string> _names;
    private readonly Action<QmpEventListener> _unregister;

    internal QmpEventListener(IEnumerable<string> names, int? capacity, Action<QmpEventListener> unregister)
    {
        _names = new HashSet<string>(names, StringComparer.Ordinal);
        _unregister = unregister;
        _channel = capacity is { } bound
            ? Channel.CreateBounded<QmpEvent>(new BoundedChannelOptions(bound) { FullMode = BoundedChannelFullMode.DropOldest })
            : Channel.CreateUnbounded<QmpEvent>();
    }

    /// <summary>The event names this listener accepts; empty means every event.</summary>
    public IReadOnlySet<string> Names => _names;

    /// <summary>Returns the next event, waiting for one if none is buffered.</summary>
    /// <exception cref="QmpConnectionLostException">The session closed and no buffered event is left.</exception>
    public async ValueTask<QmpEvent> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_channel.Reader.TryRead(out var evt))
            {
                return evt;
            }
        }

        throw new QmpConnectionLostException("The QMP session closed while a listener was waiting for an event.", command: null);
    }

    /// <summary>Returns the next event that matches <paramref name="predicate"/>, discarding the others read on the way.</summary>
    /// <exception cref="QmpConnectionLostException">The session closed before a matching event arrived.</exception>
    public async ValueTask<QmpEvent> WaitForAsync(Func<QmpEvent, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        while (true)
        {
            var evt = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (predicate(evt))
            {
                return evt;
            }
        }
    }

    /// <summary>Returns a buffered event without waiting.</summary>
    public bool TryRead([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out QmpEvent evt) => _channel.Reader.TryRead(out evt);

    /// <summary>Enumerates events until the session closes or <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<QmpEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var evt in _channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return evt;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerator<QmpEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Stops receiving events; buffered ones can still be read.</summary>
    public void Dispose()
    {
        _unregister(this);
        _channel.Writer.TryComplete();
    }

    internal void Post(QmpEvent evt)
    {
        if (_names.Count == 0 || _names.Contains(evt.Name))
        {
            _channel.Writer.TryWrite(evt);
        }
    }

    internal void Complete() => _channel.Writer.TryComplete();
}
