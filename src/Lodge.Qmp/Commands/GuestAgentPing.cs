using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lodge.Qmp.Commands;

/// <summary>Asks the QEMU guest agent inside a guest whether it answers: <c>guest-ping</c> over the host end of its
/// virtio-serial channel (the unix socket QEMU listens on).</summary>
/// <remarks>
/// The agent speaks QMP's JSON without a greeting or capability negotiation (qemu-ga's <c>qga/qapi-schema.json</c>): a
/// command is one JSON object, its answer one line <c>{"return": {}}</c>. QEMU accepts the connection whether or not an
/// agent runs in the guest, so a guest without one (or one still booting, or stuck with a black screen) simply never
/// answers: that is a failed ping once <c>timeout</c> passes. Answers left from an earlier command are skipped by id:
/// <c>guest-sync</c> with a fresh id first, as libvirt does, then the ping.
/// </remarks>
public static class GuestAgentPing
{
    /// <summary>True when the agent answered <c>guest-sync</c> and <c>guest-ping</c> within <paramref name="timeout"/>.</summary>
    public static async Task<bool> PingAsync(string socketPath, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), limit.Token).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
            var id = Random.Shared.NextInt64(1, long.MaxValue);
            await SendAsync(stream, new JsonObject { ["execute"] = "guest-sync", ["arguments"] = new JsonObject { ["id"] = id } }, limit.Token).ConfigureAwait(false);
            while (true)
            {
                var answer = await ReadAsync(reader, limit.Token).ConfigureAwait(false);
                if (answer?["return"] is JsonValue value && value.TryGetValue<long>(out var echoed) && echoed == id)
                {
                    break;
                }
            }

            await SendAsync(stream, new JsonObject { ["execute"] = "guest-ping" }, limit.Token).ConfigureAwait(false);
            var pong = await ReadAsync(reader, limit.Token).ConfigureAwait(false);
            return pong?["return"] is JsonObject;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is SocketException or IOException or JsonException)
        {
            return false;
        }
    }

    private static async Task SendAsync(Stream stream, JsonObject command, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(command.ToJsonString() + "\n");
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // One answer per line; an empty line or EOF means the agent (or QEMU's end) went away.
    private static async Task<JsonNode?> ReadAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new IOException("The guest agent's channel closed.");
        return line.Trim().Length == 0 ? null : JsonNode.Parse(line);
    }
}
