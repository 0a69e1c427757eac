using System.Net.Sockets;
using System.Text.Json.Nodes;
using Lodge.Core;
using Lodge.Qmp.Framing;

namespace Lodge.Qmp.Protocol;

public sealed partial class QmpSession
{
    /// <summary>Runs the QMP handshake over <paramref name="stream"/>, which the session then owns.</summary>
    /// <remarks>
    /// Goes <c>Idle → Connecting → Greeting → Capabilities → Ready</c>. On any failure the session is
    /// <see cref="QmpSessionState.Closed"/> and <paramref name="stream"/> is disposed before this throws.
    /// <see cref="QmpSessionOptions.ConnectTimeout"/> bounds the whole handshake.
    /// </remarks>
    /// <exception cref="QmpConnectException">The greeting or negotiation failed or timed out; the cause is the inner exception.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    /// <exception cref="InvalidStateException">The session is not <see cref="QmpSessionState.Idle"/>.</exception>
    public Task ConnectAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ConnectCoreAsync(stream.GetType().Name, _ => ValueTask.FromResult(stream), cancellationToken);
    }

    /// <summary>Connects to QEMU's QMP unix socket (<c>-qmp unix:PATH,server=on,wait=off</c>) and runs the handshake.</summary>
    /// <remarks>Same states and failure promise as <see cref="ConnectAsync"/>; the socket connect is the <see cref="QmpSessionState.Connecting"/> step.</remarks>
    /// <exception cref="QmpConnectException">The socket, greeting or negotiation failed or timed out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    /// <exception cref="InvalidStateException">The session is not <see cref="QmpSessionState.Idle"/>.</exception>
    public Task ConnectUnixAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ConnectCoreAsync(path, token => OpenUnixSocketAsync(path, token), cancellationToken);
    }

    private static async ValueTask<Stream> OpenUnixSocketAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task ConnectCoreAsync(string endpoint, Func<CancellationToken, ValueTask<Stream>> open, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_state != QmpSessionState.Idle)
            {
                throw new InvalidStateException($"Cannot connect the QMP session to '{endpoint}' because it is already in state '{_state}'; a session is used once.", _state.ToString(), nameof(QmpSessionState.Idle));
            }

            SetStateLocked(QmpSessionState.Connecting);
        }

        RaiseStates();
        using var timeout = new CancellationTokenSource(Options.ConnectTimeout, Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _lifetime.Token);
        var reached = QmpSessionState.Connecting;
        try
        {
            Attach(await open(linked.Token).ConfigureAwait(false));
            reached = Advance(QmpSessionState.Greeting, endpoint);
            var greeting = await _reader!.ReadAsync(linked.Token).ConfigureAwait(false)
                ?? throw new QmpProtocolException("QEMU closed the QMP connection before it sent a greeting.");
            Greeting = QmpGreeting.Parse(greeting);

            reached = Advance(QmpSessionState.Capabilities, endpoint);
            await NegotiateAsync(linked.Token).ConfigureAwait(false);
            reached = Advance(QmpSessionState.Ready, endpoint);
        }
        catch (Exception ex)
        {
            var failure = DescribeConnectFailure(ex, endpoint, reached, timeout.IsCancellationRequested, cancellationToken.IsCancellationRequested);
            Close(QmpCloseCause.Fault, ex);
            if (failure is null)
            {
                throw;
            }

            throw failure;
        }

        _readLoop = Task.Run(ReadLoopAsync, CancellationToken.None);
    }

    private void Attach(Stream stream)
    {
        lock (_gate)
        {
            _stream = stream;
            _reader = new QmpFrameReader(stream);
            _writer = new QmpFrameWriter(stream);
            if (_state == QmpSessionState.Closed)
            {
                // Disposed while the socket was connecting: Close has already run without this stream.
                stream.Dispose();
            }
        }
    }

    private QmpSessionState Advance(QmpSessionState next, string endpoint)
    {
        lock (_gate)
        {
            if (_state == QmpSessionState.Closed)
            {
                throw new QmpConnectException($"The QMP session for '{endpoint}' was closed while it was connecting.", endpoint, next);
            }

            SetStateLocked(next);
        }

        RaiseStates();
        return next;
    }

    private async Task NegotiateAsync(CancellationToken cancellationToken)
    {
        // QMP spec, section 4 "Capabilities Negotiation": the first command must be qmp_capabilities.
        var id = NextId();
        await _writer!.WriteAsync(new JsonObject { ["execute"] = "qmp_capabilities", ["id"] = id }, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var message = await _reader!.ReadAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new QmpProtocolException("QEMU closed the QMP connection before it answered qmp_capabilities.");
            if (message.ContainsKey("event"))
            {
                Broadcast(QmpEvent.Parse(message));
                continue;
            }

            var reply = QmpReply.Parse(message);
            if (reply.Id != id)
            {
                throw new QmpProtocolException("QEMU answered qmp_capabilities with a reply for another id.", message.ToJsonString());
            }

            if (reply.IsError)
            {
                throw new QmpCommandException("qmp_capabilities", reply.ErrorClass!, reply.ErrorDesc!);
            }

            return;
        }
    }

    /// <summary>Returns the exception to throw for a failed connect, or <see langword="null"/> to rethrow a caller's cancellation.</summary>
    private QmpConnectException? DescribeConnectFailure(Exception ex, string endpoint, QmpSessionState reached, bool timedOut, bool callerCancelled)
    {
        if (ex is QmpConnectException connect)
        {
            return connect;
        }

        if (_lifetime.IsCancellationRequested && !timedOut && !callerCancelled)
        {
            // DisposeAsync ran during the handshake; the read failed because the stream went away.
            return new QmpConnectException($"The QMP session for '{endpoint}' was closed while it was connecting.", endpoint, reached);
        }

        var seconds = Options.ConnectTimeout.TotalSeconds;
        if (ex is OperationCanceledException)
        {
            if (callerCancelled)
            {
                return null;
            }

            var elapsed = new TimeoutException($"The QMP connect timeout of {seconds:0.###} s elapsed.");
            return reached switch
            {
                QmpSessionState.Connecting => new QmpConnectException($"Cannot connect to the QMP socket '{endpoint}' within {seconds:0.###} s.", endpoint, reached, elapsed),
                QmpSessionState.Greeting => new QmpConnectException($"QEMU did not send a QMP greeting on '{endpoint}' within {seconds:0.###} s.", endpoint, reached, elapsed),
                _ => new QmpConnectException($"QEMU did not answer qmp_capabilities on '{endpoint}' within {seconds:0.###} s.", endpoint, reached, elapsed),
            };
        }

        return reached switch
        {
            QmpSessionState.Connecting => new QmpConnectException($"Cannot connect to the QMP socket '{endpoint}'.", endpoint, reached, ex) { Hint = "Check that QEMU is running with '-qmp unix:PATH,server=on,wait=off'." },
            QmpSessionState.Greeting => new QmpConnectException($"Did not receive a valid QMP greeting from '{endpoint}'.", endpoint, reached, ex),
            _ => new QmpConnectException($"QMP capabilities negotiation with '{endpoint}' failed.", endpoint, reached, ex),
        };
    }
}
