using System.Text.Json.Nodes;

namespace Lodge.Qmp.Protocol;

public sealed partial class QmpSession
{
    /// <summary>Reads until EOF or failure, routing replies by id and broadcasting events; then closes the session.</summary>
    private async Task ReadLoopAsync()
    {
        var cause = QmpCloseCause.EndOfStream;
        Exception? error = null;
        try
        {
            while (await _reader!.ReadAsync(_lifetime.Token).ConfigureAwait(false) is { } message)
            {
                Dispatch(message);
            }
        }
        catch (Exception ex) when (_lifetime.IsCancellationRequested)
        {
            // Closed locally; the read was cancelled or the stream was disposed under it.
            cause = QmpCloseCause.Local;
            error = ex is OperationCanceledException ? null : ex;
        }
        catch (IOException ex)
        {
            // A reset instead of EOF is normal after 'quit' (DOMAIN.md).
            cause = QmpCloseCause.Reset;
            error = ex;
        }
        catch (Exception ex)
        {
            cause = QmpCloseCause.Fault;
            error = ex;
        }

        Close(cause, error);
    }

    private void Dispatch(JsonObject message)
    {
        if (message.ContainsKey("event"))
        {
            Broadcast(QmpEvent.Parse(message));
            return;
        }

        var reply = QmpReply.Parse(message);
        if (reply.Id is null)
        {
            // QEMU answers without an id only when it could not parse the request, so the stream is out of step.
            throw new QmpProtocolException("QEMU sent a QMP reply without an id, so it cannot be matched to a command.", message.ToJsonString());
        }

        PendingCommand? pending;
        lock (_gate)
        {
            _pending.Remove(reply.Id, out pending);
        }

        // QMP spec, section 2.4: "Clients should drop all the responses that have an unknown id field";
        // that is the late reply of a command that timed out or was cancelled.
        if (pending is null)
        {
            return;
        }

        if (reply.IsError)
        {
            pending.TrySetException(new QmpCommandException(pending.Command, reply.ErrorClass!, reply.ErrorDesc!));
        }
        else
        {
            pending.TrySetResult(reply.Return);
        }
    }
}
