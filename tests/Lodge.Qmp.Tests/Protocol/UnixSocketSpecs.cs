using System.Net.Sockets;
using Lodge.Qmp.Protocol;
using Lodge.Qmp.Tests.Support;
using Lodge.Testing.Qmp;
using static Lodge.Qmp.Protocol.QmpSessionState;

namespace Lodge.Qmp.Tests.Protocol;

/// <summary>ConnectUnixAsync against a real unix socket served by the scripted peer.</summary>
public sealed class UnixSocketSpecs
{
    [Fact(Timeout = 15000)]
    public async Task I_can_connect_over_a_unix_socket()
    {
        // Arrange
        var directory = Directory.CreateTempSubdirectory("lodge-qmp-");
        var path = Path.Combine(directory.FullName, "qmp.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        var peer = new ScriptedQmpPeer().Negotiate().Expect("query-status").Reply(new System.Text.Json.Nodes.JsonObject { ["status"] = "running", ["running"] = true });
        var serving = Task.Run(async () => await peer.RunAsync(new NetworkStream(await listener.AcceptAsync(), ownsSocket: true)));
        await using var session = new QmpSession();
        var states = StateLog.Watch(session);

        // Act
        await session.ConnectUnixAsync(path);
        var status = await session.ExecuteAsync("query-status");
        await session.DisposeAsync();

        // Assert
        Assert.Equal("running", status?["status"]?.GetValue<string>());
        Assert.Equal([Connecting, Greeting, Capabilities, Ready, Closed], states.States);
        await serving;
        directory.Delete(recursive: true);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_connect_to_a_missing_socket_and_get_QmpConnectException()
    {
        // Arrange
        var path = Path.Combine(Path.GetTempPath(), $"lodge-missing-{Guid.NewGuid():N}.sock");
        await using var session = new QmpSession();
        var states = StateLog.Watch(session);

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectException>(() => session.ConnectUnixAsync(path));

        // Assert
        Assert.Equal($"Cannot connect to the QMP socket '{path}'.", error.Message);
        Assert.Equal((path, Connecting), (error.Endpoint, error.FailedState));
        Assert.IsType<SocketException>(error.InnerException);
        Assert.Equal("Check that QEMU is running with '-qmp unix:PATH,server=on,wait=off'.", error.Hint);
        Assert.Equal([Connecting, Closed], states.States);
    }
}
