using System.Text.Json.Nodes;
using Lodge.Core;
using Lodge.Qmp.Protocol;
using Lodge.Qmp.Tests.Support;
using Lodge.Testing.Qmp;

namespace Lodge.Qmp.Tests.Protocol;

/// <summary>The event stream: order, data, filtering and completion when the session closes.</summary>
public sealed class EventSpecs
{
    [Fact(Timeout = 15000)]
    public async Task I_can_read_events_in_the_order_QEMU_sent_them_with_their_data()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate()
            .Event("STOP").Event("RESUME")
            .Event("SHUTDOWN", new JsonObject { ["guest"] = true, ["reason"] = "guest-shutdown" })
            .Close();
        await using var pair = await QmpPair.ConnectAsync(peer);

        // Act
        var events = new List<QmpEvent>();
        await foreach (var evt in pair.Session.Events)
        {
            events.Add(evt);
        }

        // Assert
        Assert.Equal(["STOP", "RESUME", "SHUTDOWN"], events.Select(e => e.Name));
        Assert.Equal("guest-shutdown", events[2].GetDataString("reason"));
        Assert.Empty(events[0].Data);
        Assert.True(events[0].Timestamp < events[1].Timestamp);
        Assert.Equal(2023, events[0].Timestamp.Year);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_listen_for_some_events_only()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate()
            .Event("RTC_CHANGE", new JsonObject { ["offset"] = 1 })
            .Event("DEVICE_DELETED", new JsonObject { ["device"] = "kbd0", ["path"] = "/machine/peripheral/kbd0" })
            .Hang();
        await using var pair = QmpPair.Start(peer);
        using var deleted = pair.Session.Listen("DEVICE_DELETED");

        // Act
        await pair.ConnectAsync();
        var evt = await deleted.ReadAsync();

        // Assert
        Assert.Equal("kbd0", evt.GetDataString("device"));
        Assert.Equal(["DEVICE_DELETED"], deleted.Names);
        Assert.False(deleted.TryRead(out _));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_wait_for_an_event_and_get_QmpConnectionLostException_if_the_session_closes_first()
    {
        // Arrange
        await using var pair = QmpPair.Start(new ScriptedQmpPeer().Negotiate().Event("STOP").Close());
        using var listener = pair.Session.Listen("SHUTDOWN");
        await pair.ConnectAsync();

        // Act
        var error = await Assert.ThrowsAsync<QmpConnectionLostException>(() => listener.WaitForAsync(_ => true).AsTask());

        // Assert
        Assert.Equal("The QMP session closed while a listener was waiting for an event.", error.Message);
        Assert.Null(error.Command);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_listen_on_a_closed_session_and_get_an_InvalidStateException()
    {
        // Arrange
        var session = new QmpSession();
        await session.DisposeAsync();

        // Act
        var error = Assert.Throws<InvalidStateException>(() => session.Listen("STOP"));

        // Assert
        Assert.Equal("Cannot listen for QMP events because the session is closed.", error.Message);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_receive_an_event_without_a_timestamp_and_the_session_closes()
    {
        // Arrange
        var peer = new ScriptedQmpPeer().Negotiate().Send(new JsonObject { ["event"] = "STOP" }).Hang();
        await using var pair = await QmpPair.ConnectAsync(peer);

        // Act
        await pair.Session.Completion;

        // Assert
        Assert.Equal(QmpSessionState.Closed, pair.Session.State);
        Assert.False(pair.Session.Events.TryRead(out _));
    }
}
