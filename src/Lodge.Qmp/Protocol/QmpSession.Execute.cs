using System.Text.Json.Nodes;
using Lodge.Core;

namespace Lodge.Qmp.Protocol;

public sealed partial class QmpSession
{
    private const string QuitCommand = "quit";

    /// <summary>Executes <paramref name="command"/> and returns its <c>return</c> value, waiting at most <see cref="QmpSessionOptions.CommandTimeout"/>.</summary>
    /// <inheritdoc cref="ExecuteAsync(string, JsonObject?, TimeSpan, CancellationToken)" />
    public Task<JsonNode?> ExecuteAsync(string command, JsonObject? arguments = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(command, arguments, Options.CommandTimeout, cancellationToken);

    /// <summary>Executes <paramref name="command"/> and returns its <c>return</c> value, waiting at most <paramref name="timeout"/>.</summary>
    /// <param name="command">The QMP command, such as <c>query-status</c>.</param>
    /// <param name="arguments">The <c>arguments</c> object, or <see langword="null"/> for none. It is copied, not kept.</param>
    /// <param name="timeout">How long to wait for the reply; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="cancellationToken">Abandons the wait; the command may still run in QEMU.</param>
    /// <remarks>A timeout or cancellation leaves the session open; the late reply is dropped.</remarks>
    /// <exception cref="QmpCommandException">QEMU answered with an error.</exception>
    /// <exception cref="QmpTimeoutException">No reply arrived within <paramref name="timeout"/>.</exception>
    /// <exception cref="QmpConnectionLostException">The session closed before the reply (never for <c>quit</c> on EOF or reset).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    /// <exception cref="InvalidStateException">The session is not <see cref="QmpSessionState.Ready"/>.</exception>
    public async Task<JsonNode?> ExecuteAsync(string command, JsonObject? arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        }

        var pending = Register(command);
        using var timer = timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeout, Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer?.Token ?? CancellationToken.None);

        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null)
        {
            request["arguments"] = arguments.DeepClone();
        }

        request["id"] = pending.Id;
        await SendAsync(pending, request).ConfigureAwait(false);
        try
        {
            return await pending.Reply.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            bool abandoned;
            lock (_gate)
            {
                abandoned = _pending.Remove(pending.Id);
            }

            if (!abandoned)
            {
                // The reply (or the close) won the race against the timeout.
                return await pending.Reply.ConfigureAwait(false);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new QmpTimeoutException(command, timeout);
        }
    }

    private PendingCommand Register(string command)
    {
        lock (_gate)
        {
            if (_state == QmpSessionState.Ready)
            {
                var pending = new PendingCommand(command, $"lodge-{++_lastId}");
                _pending.Add(pending.Id, pending);
                return pending;
            }

            if (_state == QmpSessionState.Closed)
            {
                throw new InvalidStateException($"Cannot execute the QMP command '{command}' because the session is closed.", _state.ToString(), nameof(QmpSessionState.Ready));
            }

            throw new InvalidStateException($"Cannot execute the QMP command '{command}' because the session is in state '{_state}', not 'Ready'.", _state.ToString(), nameof(QmpSessionState.Ready))
            {
                Hint = "Await ConnectAsync or ConnectUnixAsync before executing commands.",
            };
        }
    }

    /// <summary>Writes the request; if the session closes meanwhile, finishes the command itself (Close skips unsent ones).</summary>
    private async Task SendAsync(PendingCommand pending, JsonObject request)
    {
        Exception? failure = null;
        try
        {
            await _writer!.WriteAsync(request, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            failure = ex;
        }

        bool closed;
        lock (_gate)
        {
            pending.Sent = failure is null;
            closed = _state == QmpSessionState.Closed;
            if (failure is not null)
            {
                _pending.Remove(pending.Id);
            }
        }

        if (failure is not null)
        {
            Close(failure is IOException ? QmpCloseCause.Reset : QmpCloseCause.Local, failure);
            var cause = failure is IOException ? failure : null;
            pending.TrySetException(new QmpConnectionLostException($"Cannot send the QMP command '{pending.Command}' because the connection is closed.", pending.Command, cause));
        }
        else if (closed)
        {
            CompleteOrphan(pending);
        }
    }
}
