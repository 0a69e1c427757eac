using System.Text.Json.Nodes;
using Lodge.Qmp.Commands;
using Lodge.Qmp.Protocol;
using Lodge.Testing.Qmp;
using Lodge.Testing.Streams;

namespace Lodge.Qmp.Tests.Commands;

/// <summary>The typed command layer: the requests it sends and the replies it checks.</summary>
public sealed class TypedCommandSpecs
{
    [Fact(Timeout = 15000)]
    public async Task I_can_query_the_status()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate()
            .Expect("query-status").Reply(new JsonObject { ["status"] = "prelaunch", ["singlestep"] = false, ["running"] = false });
        await using var client = await ConnectAsync(peer);

        // Act
        var status = await client.QueryStatusAsync();

        // Assert
        Assert.Equal(new QmpStatus("prelaunch", Running: false), status);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_run_the_power_commands()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate()
            .Expect("stop").Reply().Expect("cont").Reply().Expect("system_powerdown").Reply()
            .Expect("quit").Reset();
        var (stream, server) = InMemoryDuplexStream.CreatePair();
        var run = peer.Start(server);
        await using var client = await QmpClient.ConnectAsync(stream);

        // Act
        await client.StopAsync();
        await client.ContAsync();
        await client.SystemPowerdownAsync();
        await client.QuitAsync();

        // Assert
        await run;
        Assert.Equal(["qmp_capabilities", "stop", "cont", "system_powerdown", "quit"], peer.Received.Select(m => m["execute"]?.GetValue<string>()));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_add_a_device_with_properties_and_delete_it_waiting_for_DEVICE_DELETED()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate()
            .Expect("device_add", new JsonObject { ["driver"] = "usb-kbd", ["id"] = "kbd0", ["bus"] = "xhci.0" }).Reply()
            .Expect("device_del", new JsonObject { ["id"] = "kbd0" }).Reply()
            .Event("DEVICE_DELETED", new JsonObject { ["path"] = "/machine/peripheral/kbd0/virtio-backend" })
            .Event("DEVICE_DELETED", new JsonObject { ["device"] = "kbd0", ["path"] = "/machine/peripheral/kbd0" });
        await using var client = await ConnectAsync(peer);

        // Act
        await client.DeviceAddAsync("usb-kbd", "kbd0", new Dictionary<string, JsonNode?> { ["bus"] = "xhci.0" });
        var deleted = await client.DeviceDelAndWaitAsync("kbd0");

        // Assert
        Assert.Equal("/machine/peripheral/kbd0", deleted.GetDataString("path"));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_add_a_device_with_id_in_the_properties_and_get_an_ArgumentException()
    {
        // Arrange
        await using var client = await ConnectAsync(new ScriptedQmpPeer().Negotiate());

        // Act
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.DeviceAddAsync("usb-kbd", "kbd0", new Dictionary<string, JsonNode?> { ["id"] = "other" }));

        // Assert
        Assert.StartsWith("The device property 'id' is set by its own parameter of DeviceAddAsync.", error.Message);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_query_the_chardevs_and_run_a_human_monitor_command()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate()
            .Expect("query-chardev").Reply(new JsonArray(new JsonObject { ["frontend-open"] = true, ["filename"] = "unix:/run/qmp.sock,server=on", ["label"] = "compat_monitor0" }))
            .Expect("human-monitor-command", new JsonObject { ["command-line"] = "info status" }).Reply("VM status: running\r\n");
        await using var client = await ConnectAsync(peer);

        // Act
        var chardevs = await client.QueryChardevAsync();
        var output = await client.HumanMonitorCommandAsync("info status");

        // Assert
        Assert.Equal([new QmpChardevInfo("compat_monitor0", "unix:/run/qmp.sock,server=on", FrontendOpen: true)], chardevs);
        Assert.Equal("VM status: running\r\n", output);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_query_the_status_and_get_QmpProtocolException_if_the_reply_breaks_the_schema()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate().Expect("query-status").Reply(new JsonObject { ["status"] = "running" });
        await using var client = await ConnectAsync(peer);

        // Act
        var error = await Assert.ThrowsAsync<QmpProtocolException>(() => client.QueryStatusAsync());

        // Assert
        Assert.Equal("The QMP query-status reply has no 'running' boolean.", error.Message);
        Assert.Equal(QmpSessionState.Ready, client.Session.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_quit_and_have_the_session_closed_even_if_QEMU_keeps_the_socket_open()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate().Expect("quit").Reply().Hang();
        var (stream, server) = InMemoryDuplexStream.CreatePair();
        var run = peer.Start(server);
        var options = QmpSessionOptions.Default.WithCommandTimeout(TimeSpan.FromMilliseconds(200));
        await using var client = await QmpClient.ConnectAsync(stream, options);

        // Act
        await client.QuitAsync();

        // Assert
        Assert.Equal(QmpSessionState.Closed, client.Session.State);
        await run;
    }

    private static async Task<QmpClient> ConnectAsync(ScriptedQmpPeer peer)
    {
        var (client, server) = InMemoryDuplexStream.CreatePair();
        _ = peer.Start(server);
        return await QmpClient.ConnectAsync(client);
    }
}
