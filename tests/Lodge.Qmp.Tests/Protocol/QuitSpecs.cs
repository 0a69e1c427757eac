using Lodge.Qmp.Protocol;
using Lodge.Qmp.Tests.Support;
using Lodge.Testing.Qmp;
using static Lodge.Qmp.Protocol.QmpSessionState;

namespace Lodge.Qmp.Tests.Protocol;

/// <summary>'quit' succeeds however QEMU ends the connection (DOMAIN.md: "After quit the socket may report a reset").</summary>
public sealed class QuitSpecs
{
    [Fact(Timeout = 15000)]
    public async Task I_can_quit_when_QEMU_replies_and_then_closes_the_socket()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate().Expect("quit").Event("SHUTDOWN").Reply().Close();
        await using var pair = await QmpPair.ConnectAsync(peer);

        // Act
        await pair.Session.ExecuteAsync("quit");
        await pair.Session.Completion;

        // Assert
        Assert.Equal([Connecting, Greeting, Capabilities, Ready, Closed], pair.States.States);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_quit_when_QEMU_resets_the_connection_instead_of_replying()
    {
        // Arrange
        await using var pair = await QmpPair.ConnectAsync(new ScriptedQmpPeer().Negotiate().Expect("quit").Reset());

        // Act
        var reply = await pair.Session.ExecuteAsync("quit");

        // Assert
        Assert.NotNull(reply);
        await pair.Session.Completion;
        Assert.Equal([Connecting, Greeting, Capabilities, Ready, Closed], pair.States.States);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_quit_when_QEMU_closes_the_socket_instead_of_replying()
    {
        // Arrange
        await using var pair = await QmpPair.ConnectAsync(new ScriptedQmpPeer().Negotiate().Expect("quit").Close());

        // Act
        await pair.Session.ExecuteAsync("quit");

        // Assert
        await pair.Session.Completion;
        Assert.Equal(Closed, pair.Session.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_see_any_other_command_fail_when_QEMU_resets_the_connection()
    {
        // Arrange
        await using var pair = await QmpPair.ConnectAsync(new ScriptedQmpPeer().Negotiate().Expect("query-status").Reset());

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectionLostException>(() => pair.Session.ExecuteAsync("query-status"));

        // Assert
        Assert.Equal("The QMP connection failed before QEMU replied to 'query-status'.", error.Message);
        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal(Closed, pair.Session.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_see_a_quit_fail_when_I_close_the_session_myself_before_the_reply()
    {
        // Arrange
        await using var pair = await QmpPair.ConnectAsync(new ScriptedQmpPeer().Negotiate().Expect("quit").Hang());
        var quit = pair.Session.ExecuteAsync("quit");

        // Act
        await pair.Session.DisposeAsync();

        // Assert
        var error = await Assert.ThrowsAsync<QmpConnectionLostException>(() => quit);
        Assert.Equal("The QMP session was closed locally before QEMU replied to 'quit'.", error.Message);
    }
}
