using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Lodge.Qmp.Commands;

namespace Lodge.Qmp.Tests.Commands;

// Issue 13 item 6: the watchdog's guest-ping over the agent's channel. The host end is a unix socket QEMU listens on; here
// a listener stands in for it, with an agent that answers (qemu-ga's replies) or with none (QEMU accepts, nothing answers).
public sealed class GuestAgentPingSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-qga-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (Socket Listener, string Path) Listen()
    {
        var path = Path.Combine(_dir, "qga.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        return (listener, path);
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_ping_a_guest_whose_agent_answers_and_a_stale_answer_before_the_sync_is_skipped()
    {
        // Arrange: qemu-ga echoes guest-sync's id and answers guest-ping with an empty return.
        var (listener, path) = Listen();
        using var _ = listener;
        var seen = new List<string>();
        var agent = Task.Run(async () =>
        {
            using var connection = await listener.AcceptAsync();
            await using var stream = new NetworkStream(connection);
            using var reader = new StreamReader(stream);
            await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"return\": 12345}\n"));
            for (var i = 0; i < 2; i++)
            {
                var line = (await reader.ReadLineAsync())!;
                seen.Add(line);
                var command = JsonNode.Parse(line)!;
                var reply = command["execute"]!.GetValue<string>() == "guest-sync"
                    ? $"{{\"return\": {command["arguments"]!["id"]!.GetValue<long>()}}}\n"
                    : "{\"return\": {}}\n";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(reply));
            }
        });

        // Act
        var answered = await GuestAgentPing.PingAsync(path, TimeSpan.FromSeconds(30));
        await agent;

        // Assert: the exact commands on the wire.
        Assert.True(answered);
        Assert.Matches("""^\{"execute":"guest-sync","arguments":\{"id":[0-9]+\}\}$""", seen[0]);
        Assert.Equal("""{"execute":"guest-ping"}""", seen[1]);
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_ping_a_guest_without_an_agent_and_get_no_within_the_limit_instead_of_a_hang()
    {
        // Arrange: QEMU accepts the connection, but no agent in the guest ever answers.
        var (listener, path) = Listen();
        using var _ = listener;
        var accepted = listener.AcceptAsync();

        // Act
        var answered = await GuestAgentPing.PingAsync(path, TimeSpan.FromMilliseconds(500));

        // Assert
        Assert.False(answered);
        (await accepted).Dispose();
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_ping_a_guest_whose_QEMU_is_gone_and_get_no()
    {
        // Act
        var answered = await GuestAgentPing.PingAsync(Path.Combine(_dir, "missing.sock"), TimeSpan.FromSeconds(5));

        // Assert
        Assert.False(answered);
    }
}
