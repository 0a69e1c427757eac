using System.Text.Json.Nodes;
using Lodge.Qmp.Protocol;
using Lodge.Qmp.Tests.Support;
using Lodge.Testing.Qmp;

namespace Lodge.Qmp.Tests.Protocol;

/// <summary>Id routing, interleaved events, error replies, timeouts and cancellation on a Ready session.</summary>
public sealed class CommandRoutingSpecs
{
    [Fact(Timeout = 15000)]
    public async Task I_can_run_commands_concurrently_and_get_each_reply_when_QEMU_answers_out_of_order()
    {
        // Arrange
        var firstArrived = new TaskCompletionSource();
        var peer = new ScriptedQmpPeer().Negotiate()
            .Expect("query-status").Do(_ => { firstArrived.SetResult(); return Task.CompletedTask; })
            .Expect("query-name")
            .Reply(new JsonObject { ["name"] = "win11" }, to: "query-name")
            .Reply(new JsonObject { ["status"] = "running", ["running"] = true }, to: "query-status");
        await using var pair = await QmpPair.ConnectAsync(peer);

        // Act
        var status = pair.Session.ExecuteAsync("query-status");
        await firstArrived.Task;
        var name = pair.Session.ExecuteAsync("query-name");
        await Task.WhenAll(status, name);

        // Assert
        Assert.Equal("running", (await status)?["status"]?.GetValue<string>());
        Assert.Equal("win11", (await name)?["name"]?.GetValue<string>());
        var ids = peer.Received.Select(m => m["id"]?.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.False(string.IsNullOrEmpty(id)));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_receive_an_event_that_QEMU_sends_before_the_reply()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate().Expect("system_powerdown").Event("POWERDOWN").Reply();
        await using var pair = await QmpPair.ConnectAsync(peer);

        // Act
        await pair.Session.ExecuteAsync("system_powerdown");

        // Assert: the event is buffered by the time the command completes.
        Assert.True(pair.Session.Events.TryRead(out var evt));
        Assert.Equal("POWERDOWN", evt.Name);
        Assert.Equal(QmpSessionState.Ready, pair.Session.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_get_a_QmpCommandException_for_an_error_reply_and_keep_using_the_session()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate()
            .Expect("device_del").ReplyError("DeviceNotFound", "Device 'gpu0' not found")
            .Expect("cont").Reply();
        await using var pair = await QmpPair.ConnectAsync(peer);

        // Act
        var error = await Assert.ThrowsAsync<QmpCommandException>(() => pair.Session.ExecuteAsync("device_del", new JsonObject { ["id"] = "gpu0" }));
        await pair.Session.ExecuteAsync("cont");

        // Assert
        Assert.Equal("QEMU rejected the QMP command 'device_del' with DeviceNotFound: 'Device 'gpu0' not found'.", error.Message);
        Assert.Equal(("device_del", "DeviceNotFound", "Device 'gpu0' not found"), (error.Command, error.ErrorClass, error.Desc));
        Assert.Equal(QmpSessionState.Ready, pair.Session.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_time_out_a_command_keep_the_session_and_have_the_late_reply_dropped()
    {
        // Arrange
        var timedOut = new TaskCompletionSource();
        var peer = new ScriptedQmpPeer().Negotiate()
            .Expect("query-status").Do(_ => timedOut.Task)
            .Reply(new JsonObject { ["status"] = "late", ["running"] = false }, to: "query-status")
            .Expect("query-name").Reply(new JsonObject { ["name"] = "on-time" });
        var options = QmpSessionOptions.Default.WithCommandTimeout(TimeSpan.FromMilliseconds(200));
        await using var pair = await QmpPair.ConnectAsync(peer, options);

        // Act
        var error = await Assert.ThrowsAsync<QmpTimeoutException>(() => pair.Session.ExecuteAsync("query-status"));
        timedOut.SetResult();
        var next = await pair.Session.ExecuteAsync("query-name");

        // Assert
        Assert.Equal("The QMP command 'query-status' did not get a reply within 0.2 s.", error.Message);
        Assert.Equal(("query-status", TimeSpan.FromMilliseconds(200)), (error.Command, error.Timeout));
        Assert.Equal("on-time", next?["name"]?.GetValue<string>());
        Assert.Equal(QmpSessionState.Ready, pair.Session.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_give_one_command_its_own_timeout()
    {
        // Arrange
        await using var pair = await QmpPair.ConnectAsync(new ScriptedQmpPeer().Negotiate().Expect("query-status").Hang());

        // Act
        var error = await Assert.ThrowsAsync<QmpTimeoutException>(() => pair.Session.ExecuteAsync("query-status", null, TimeSpan.FromMilliseconds(50)));

        // Assert
        Assert.Equal(TimeSpan.FromMilliseconds(50), error.Timeout);
        Assert.Equal(QmpSessionState.Ready, pair.Session.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_cancel_a_command_with_a_token_and_keep_the_session()
    {
        // Arrange
        await using var pair = await QmpPair.ConnectAsync(new ScriptedQmpPeer().Negotiate().Expect("query-status").Hang());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        // Act
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pair.Session.ExecuteAsync("query-status", null, cancel.Token));

        // Assert
        Assert.Equal(QmpSessionState.Ready, pair.Session.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_send_arguments_that_are_copied_so_I_can_reuse_them()
    {
        // Arrange
        var arguments = new JsonObject { ["id"] = "kbd0" };
        var peer = new ScriptedQmpPeer().Negotiate()
            .Expect("device_del", new JsonObject { ["id"] = "kbd0" }, alias: "first").Reply()
            .Expect("device_del", new JsonObject { ["id"] = "kbd0" }, alias: "second").Reply();
        await using var pair = await QmpPair.ConnectAsync(peer);

        // Act
        await pair.Session.ExecuteAsync("device_del", arguments);
        await pair.Session.ExecuteAsync("device_del", arguments);

        // Assert
        Assert.Null(arguments.Parent);
        await pair.Session.DisposeAsync();
        await pair.Peer;
    }
}
