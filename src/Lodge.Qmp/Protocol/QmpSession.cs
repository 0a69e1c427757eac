using Lodge.Core;
using Lodge.Qmp.Framing;

namespace Lodge.Qmp.Protocol;

/// <summary>An asynchronous QMP session: greeting, <c>qmp_capabilities</c> negotiation, id routing and events.</summary>
/// <remarks>
/// <para>
/// States (<see cref="QmpSessionState"/>): <c>Idle → Connecting → Greeting → Capabilities → Ready → Closed</c>.
/// <b>Failure promise:</b> if any step fails, is cancelled or times out, or if the connection later breaks, the
/// session is <see cref="QmpSessionState.Closed"/> by the time the failing call throws, the transport is disposed,
/// every outstanding command fails with <see cref="QmpConnectionLostException"/> and every event listener
/// completes. <see cref="QmpSessionState.Closed"/> is terminal (qemu.qmp <c>_session_guard</c>).
/// </para>
/// <para>
/// Each command gets a unique id and its reply is matched by id, so commands may run concurrently and QEMU may
/// answer out of order. Events are delivered in the order QEMU sent them; an event sent before a reply is already
/// buffered in every listener when that command's task completes.
/// </para>
/// <para>
/// A command timeout or cancellation fails only that command; the session stays open and the late reply is
/// dropped, as the QMP spec (section 2.4) tells clients to do with unknown ids. <c>quit</c> completes successfully
/// when QEMU closes or resets the socket instead of replying (DOMAIN.md: "After quit the socket may report a reset").
/// </para>
/// </remarks>
public sealed partial class QmpSession : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingCommand> _pending = new(StringComparer.Ordinal);
    private readonly Queue<QmpSessionState> _unraisedStates = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private QmpEventListener[] _listeners;
    private QmpSessionState _state;
    private QmpCloseCause _closeCause;
    private Exception? _closeError;
    private bool _raisingStates;
    private long _lastId;
    private Stream? _stream;
    private QmpFrameReader? _reader;
    private QmpFrameWriter? _writer;
    private Task? _readLoop;

    /// <summary>Creates an idle session; call <see cref="ConnectAsync"/> or <see cref="ConnectUnixAsync"/> next.</summary>
    public QmpSession(QmpSessionOptions? options = null)
    {
        Options = options ?? QmpSessionOptions.Default;
        Events = new QmpEventListener([], Options.EventBufferCapacity, RemoveListener);
        _listeners = [Events];
    }

    /// <summary>Raised synchronously, in order, on every state change. Handlers must not throw or block.</summary>
    public event EventHandler<QmpSessionState>? StateChanged;

    /// <summary>The timeouts and limits of this session.</summary>
    public QmpSessionOptions Options { get; }

    /// <summary>The current state.</summary>
    public QmpSessionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>QEMU's greeting, once it has been received.</summary>
    public QmpGreeting? Greeting { get; private set; }

    /// <summary>Every event, from the moment the session was created, bounded by <see cref="QmpSessionOptions.EventBufferCapacity"/>.</summary>
    public QmpEventListener Events { get; }

    /// <summary>Completes when the session reaches <see cref="QmpSessionState.Closed"/>; never faults.</summary>
    public Task Completion => _closed.Task;

    /// <summary>Starts buffering the events named in <paramref name="names"/> (all events if none) until disposed.</summary>
    /// <exception cref="InvalidStateException">The session is closed.</exception>
    public QmpEventListener Listen(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var listener = new QmpEventListener(names, capacity: null, RemoveListener);
        lock (_gate)
        {
            if (_state == QmpSessionState.Closed)
            {
                throw new InvalidStateException("Cannot listen for QMP events because the session is closed.", _state.ToString(), nameof(QmpSessionState.Ready));
            }

            _listeners = [.. _listeners, listener];
        }

        return listener;
    }

    /// <summary>Closes the session: outstanding commands fail, listeners complete, the transport is disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        Close(QmpCloseCause.Local, null);
        if (_readLoop is { } loop)
        {
            // Only the finished read loop is sure to be off the reader; a connect still unwinding may not be.
            await loop.ConfigureAwait(false);
            await _reader!.DisposeAsync().ConfigureAwait(false);
            _writer?.Dispose();
        }

        _lifetime.Dispose();
    }

    private void RemoveListener(QmpEventListener listener)
    {
        lock (_gate)
        {
            _listeners = [.. _listeners.Where(l => l != listener)];
        }
    }

    private void Broadcast(QmpEvent evt)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener.Post(evt);
        }
    }

    private string NextId()
    {
        lock (_gate)
        {
            return $"lodge-{++_lastId}";
        }
    }

    /// <summary>Moves to <paramref name="next"/>; the caller holds <see cref="_gate"/> and then calls <see cref="RaiseStates"/>.</summary>
    private void SetStateLocked(QmpSessionState next)
    {
        _state = next;
        _unraisedStates.Enqueue(next);
    }

    /// <summary>Raises queued state changes one at a time, in order, even when several threads change state.</summary>
    private void RaiseStates()
    {
        while (true)
        {
            QmpSessionState next;
            lock (_gate)
            {
                if (_raisingStates || !_unraisedStates.TryDequeue(out next))
                {
                    return;
                }

                _raisingStates = true;
            }

            try
            {
                StateChanged?.Invoke(this, next);
            }
            finally
            {
                lock (_gate)
                {
                    _raisingStates = false;
                }
            }
        }
    }

    /// <summary>Moves to Closed once; the first cause wins. Safe to call from any thread, any number of times.</summary>
    private void Close(QmpCloseCause cause, Exception? error)
    {
        List<PendingCommand> orphans;
        QmpEventListener[] listeners;
        Stream? stream;
        lock (_gate)
        {
            if (_state == QmpSessionState.Closed)
            {
                return;
            }

            _closeCause = cause;
            _closeError = error;
            SetStateLocked(QmpSessionState.Closed);

            // Commands still being written are finished by their sender, which sees Closed (see SendAsync).
            orphans = [.. _pending.Values.Where(p => p.Sent)];
            _pending.Clear();
            listeners = _listeners;
            stream = _stream;
        }

        try
        {
            _lifetime.Cancel();
            foreach (var orphan in orphans)
            {
                CompleteOrphan(orphan);
            }

            foreach (var listener in listeners)
            {
                listener.Complete();
            }

            stream?.Dispose();
            RaiseStates();
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    /// <summary>Finishes a sent command whose reply will never come, according to why the session closed.</summary>
    private void CompleteOrphan(PendingCommand pending)
    {
        if (pending.Command == QuitCommand && _closeCause is QmpCloseCause.EndOfStream or QmpCloseCause.Reset)
        {
            pending.TrySetResult(new System.Text.Json.Nodes.JsonObject());
            return;
        }

        var command = pending.Command;
        pending.TrySetException(_closeCause switch
        {
            QmpCloseCause.Local => new QmpConnectionLostException($"The QMP session was closed locally before QEMU replied to '{command}'.", command),
            QmpCloseCause.EndOfStream => new QmpConnectionLostException($"QEMU closed the QMP connection before replying to '{command}'.", command),
            _ => new QmpConnectionLostException($"The QMP connection failed before QEMU replied to '{command}'.", command, _closeError),
        });
    }
}
