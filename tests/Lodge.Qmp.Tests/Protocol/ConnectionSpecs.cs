using System.Text.Json.Nodes;
using Lodge.Core;
using Lodge.Qmp.Protocol;
using Lodge.Qmp.Tests.Support;
using Lodge.Testing.Qmp;
using static Lodge.Qmp.Protocol.QmpSessionState;

namespace Lodge.Qmp.Tests.Protocol;

/// <summary>The session state machine and its promise: any failure leaves the session Closed.</summary>
public sealed class ConnectionSpecs
{
    private static readonly QmpSessionOptions FastTimeouts = QmpSessionOptions.Default
        .WithConnectTimeout(TimeSpan.FromMilliseconds(300))
        .WithCommandTimeout(TimeSpan.FromSeconds(5));

    [Fact(Timeout = 15000)]
    public async Task I_can_connect_and_see_every_state_in_order_until_I_close_the_session()
    {
        // Arrange
        await using var pair = QmpPair.Start(new ScriptedQmpPeer().Negotiate());

        // Act
        await pair.ConnectAsync();
        var whenReady = pair.Session.State;
        await pair.Session.DisposeAsync();

        // Assert
        Assert.Equal(Ready, whenReady);
        Assert.Equal([Connecting, Greeting, Capabilities, Ready, Closed], pair.States.States);
        Assert.Equal(new QmpVersion(7, 2, 22, "Lodge ScriptedQmpPeer"), pair.Session.Greeting?.Version);
        Assert.Equal(["oob"], pair.Session.Greeting?.Capabilities);
        Assert.True(pair.Session.Completion.IsCompleted);
        await pair.Peer;
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_connect_and_get_an_error_if_the_greeting_is_not_JSON()
    {
        // Arrange
        await using var pair = QmpPair.Start(new ScriptedQmpPeer().SendRaw("{\"QMP\": nope}\r\n").Hang());

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectException>(() => pair.ConnectAsync());

        // Assert
        Assert.Equal(Greeting, error.FailedState);
        Assert.Equal("Did not receive a valid QMP greeting from 'InMemoryDuplexStream'.", error.Message);
        var cause = Assert.IsType<QmpProtocolException>(error.InnerException);
        Assert.Equal("{\"QMP\": nope}\r", cause.Json);
        Assert.Equal([Connecting, Greeting, Closed], pair.States.States);
        await pair.Peer;
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_connect_and_get_an_error_if_QEMU_closes_before_greeting()
    {
        // Arrange
        await using var pair = QmpPair.Start(new ScriptedQmpPeer().Close());

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectException>(() => pair.ConnectAsync());

        // Assert
        Assert.Equal(Greeting, error.FailedState);
        Assert.Equal("QEMU closed the QMP connection before it sent a greeting.", error.InnerException?.Message);
        Assert.Equal([Connecting, Greeting, Closed], pair.States.States);
    }

    [Theory(Timeout = 15000)]
    [InlineData("{\"return\": {}}", "QEMU's first QMP message is not a greeting: it has no 'QMP' object.")]
    [InlineData("{\"QMP\": {\"capabilities\": []}}", "The QMP greeting has no 'version' object.")]
    [InlineData("{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7, \"minor\": 2}, \"package\": \"\"}, \"capabilities\": []}}", "The QMP greeting version has no 'micro' integer.")]
    [InlineData("{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7, \"minor\": 2, \"micro\": 0}, \"package\": \"\"}}}", "The QMP greeting has no 'capabilities' array.")]
    [InlineData("[1, 2]", "QEMU sent a QMP message that is not a JSON object.")]
    public async Task I_can_try_to_connect_and_get_an_error_if_the_greeting_breaks_the_spec(string greeting, string problem)
    {
        // Arrange
        await using var pair = QmpPair.Start(new ScriptedQmpPeer().SendRaw(greeting + "\n").Hang());

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectException>(() => pair.ConnectAsync());

        // Assert
        Assert.Equal(Greeting, error.FailedState);
        Assert.Equal(problem, Assert.IsType<QmpProtocolException>(error.InnerException).Message);
        Assert.Equal([Connecting, Greeting, Closed], pair.States.States);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_connect_and_get_an_error_if_QEMU_rejects_qmp_capabilities()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Greet().Expect("qmp_capabilities").ReplyError("GenericError", "Capabilities negotiation is already complete, command ignored").Hang();
        await using var pair = QmpPair.Start(peer);

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectException>(() => pair.ConnectAsync());

        // Assert
        Assert.Equal(Capabilities, error.FailedState);
        Assert.Equal("QMP capabilities negotiation with 'InMemoryDuplexStream' failed.", error.Message);
        var cause = Assert.IsType<QmpCommandException>(error.InnerException);
        Assert.Equal(("qmp_capabilities", "GenericError"), (cause.Command, cause.ErrorClass));
        Assert.Equal([Connecting, Greeting, Capabilities, Closed], pair.States.States);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_connect_to_a_jammed_QEMU_and_get_a_timeout_error()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Hang();
        await using var pair = QmpPair.Start(peer, FastTimeouts);

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectException>(() => pair.ConnectAsync());

        // Assert
        Assert.Equal("QEMU did not send a QMP greeting on 'InMemoryDuplexStream' within 0.3 s.", error.Message);
        Assert.Equal(Greeting, error.FailedState);
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Equal([Connecting, Greeting, Closed], pair.States.States);
        await pair.Peer.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_connect_to_a_QEMU_that_never_answers_qmp_capabilities_and_get_a_timeout_error()
    {
        // Arrange
        await using var pair = QmpPair.Start(new ScriptedQmpPeer().Greet().Hang(), FastTimeouts);

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectException>(() => pair.ConnectAsync());

        // Assert
        Assert.Equal("QEMU did not answer qmp_capabilities on 'InMemoryDuplexStream' within 0.3 s.", error.Message);
        Assert.Equal([Connecting, Greeting, Capabilities, Closed], pair.States.States);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_cancel_a_connect_to_a_jammed_QEMU_and_the_session_closes()
    {
        // Arrange
        await using var pair = QmpPair.Start(new ScriptedQmpPeer().Hang());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        // Act
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pair.ConnectAsync(cancel.Token));

        // Assert
        Assert.Equal([Connecting, Greeting, Closed], pair.States.States);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_dispose_a_session_while_it_connects_and_the_connect_fails()
    {
        // Arrange
        await using var pair = QmpPair.Start(new ScriptedQmpPeer().Hang());
        var connecting = pair.ConnectAsync();

        // Act
        await pair.Session.DisposeAsync();

        // Assert
        var error = await Assert.ThrowsAsync<QmpConnectException>(() => connecting);
        Assert.Equal("The QMP session for 'InMemoryDuplexStream' was closed while it was connecting.", error.Message);
        Assert.Equal(Closed, pair.States.States[^1]);
        Assert.Single(pair.States.States, Closed);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_execute_a_command_before_connecting_and_get_an_InvalidStateException()
    {
        // Arrange
        await using var session = new QmpSession();

        // Act
        var error = await Assert.ThrowsAsync<InvalidStateException>(() => session.ExecuteAsync("query-status"));

        // Assert
        Assert.Equal("Cannot execute the QMP command 'query-status' because the session is in state 'Idle', not 'Ready'.", error.Message);
        Assert.Equal(("Idle", "Ready"), (error.State, error.Required));
        Assert.NotNull(error.Hint);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_execute_a_command_after_closing_and_get_an_InvalidStateException()
    {
        // Arrange
        await using var pair = await QmpPair.ConnectAsync(new ScriptedQmpPeer().Negotiate());
        await pair.Session.DisposeAsync();

        // Act
        var error = await Assert.ThrowsAsync<InvalidStateException>(() => pair.Session.ExecuteAsync("cont"));

        // Assert
        Assert.Equal("Cannot execute the QMP command 'cont' because the session is closed.", error.Message);
        Assert.Equal("Closed", error.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_connect_a_session_twice_and_get_an_InvalidStateException()
    {
        // Arrange
        await using var pair = await QmpPair.ConnectAsync(new ScriptedQmpPeer().Negotiate());

        // Act
        var error = await Assert.ThrowsAsync<InvalidStateException>(() => pair.Session.ConnectAsync(new MemoryStream()));

        // Assert
        Assert.Equal("Cannot connect the QMP session to 'MemoryStream' because it is already in state 'Ready'; a session is used once.", error.Message);
        Assert.Equal(Ready, pair.Session.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_see_the_session_close_and_my_command_fail_when_QEMU_closes_the_connection()
    {
        // Arrange
        await using var pair = await QmpPair.ConnectAsync(new ScriptedQmpPeer().Negotiate().Expect("query-status").Close());

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectionLostException>(() => pair.Session.ExecuteAsync("query-status"));

        // Assert
        Assert.Equal("QEMU closed the QMP connection before replying to 'query-status'.", error.Message);
        Assert.Equal("query-status", error.Command);
        await pair.Session.Completion;
        Assert.Equal([Connecting, Greeting, Capabilities, Ready, Closed], pair.States.States);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_see_the_session_close_and_my_command_fail_when_QEMU_breaks_the_protocol()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate().Expect("query-status").SendRaw("not json\n").Hang();
        await using var pair = await QmpPair.ConnectAsync(peer);

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectionLostException>(() => pair.Session.ExecuteAsync("query-status"));

        // Assert
        Assert.Equal("The QMP connection failed before QEMU replied to 'query-status'.", error.Message);
        Assert.IsType<QmpProtocolException>(error.InnerException);
        Assert.Equal(Closed, pair.Session.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_see_the_session_close_when_QEMU_sends_a_reply_without_an_id()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate().Expect("query-status")
            .Send(new JsonObject { ["error"] = new JsonObject { ["class"] = "GenericError", ["desc"] = "JSON parse error" } }).Hang();
        await using var pair = await QmpPair.ConnectAsync(peer);

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectionLostException>(() => pair.Session.ExecuteAsync("query-status"));

        // Assert
        Assert.Equal("QEMU sent a QMP reply without an id, so it cannot be matched to a command.", error.InnerException?.Message);
        Assert.Equal(Closed, pair.Session.State);
    }
}
