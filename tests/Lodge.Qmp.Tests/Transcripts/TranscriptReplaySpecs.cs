using System.Text.Json.Nodes;
using Lodge.Qmp.Commands;
using Lodge.Qmp.Protocol;
using Lodge.Qmp.Tests.Support;
using Lodge.Testing.Qmp;
using Lodge.Testing.Streams;
using static Lodge.Qmp.Protocol.QmpSessionState;

namespace Lodge.Qmp.Tests.Transcripts;

/// <summary>Replays conversations recorded from real QEMU (tests/data/qmp) through the ScriptedQmpPeer.</summary>
public sealed class TranscriptReplaySpecs
{
    public static TheoryData<string> Transcripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.TranscriptOutputDirectory, "*.jsonl", SearchOption.AllDirectories).Order())
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.TranscriptOutputDirectory, file));
        }

        return data;
    }

    [Theory(Timeout = 15000)]
    [MemberData(nameof(Transcripts))]
    public async Task I_can_replay_a_recorded_conversation_and_get_the_recorded_replies_and_events(string transcript)
    {
        // Arrange
        var path = Path.Combine(RepositoryPaths.TranscriptOutputDirectory, transcript);
        var lines = File.ReadLines(path).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        var sent = lines.Where(l => (string?)l["dir"] == "c2s").Select(l => l["msg"]!.AsObject()).Skip(1).ToList();
        var replies = lines.Where(l => (string?)l["dir"] == "s2c" && l["msg"]?["id"] is not null).Skip(1).Select(l => l["msg"]!.AsObject()).ToList();
        var events = lines.Where(l => l["msg"]?["event"] is not null).Select(l => l["msg"]!.AsObject()).ToList();
        await using var pair = QmpPair.Start(ScriptedQmpPeer.FromTranscript(path));

        // Act
        await pair.ConnectAsync();
        var outcomes = new List<JsonObject>();
        foreach (var request in sent)
        {
            try
            {
                var value = await pair.Session.ExecuteAsync((string)request["execute"]!, request["arguments"]?.AsObject());
                outcomes.Add(new JsonObject { ["return"] = value });
            }
            catch (QmpCommandException error)
            {
                outcomes.Add(new JsonObject { ["error"] = new JsonObject { ["class"] = error.ErrorClass, ["desc"] = error.Desc } });
            }
        }

        await pair.Session.Completion;
        var received = await pair.Session.Events.ToListAsync();

        // Assert
        Assert.Equal(Path.GetDirectoryName(transcript), pair.Session.Greeting?.Version.ToString());
        Assert.Equal(replies.Count, outcomes.Count);
        foreach (var (recorded, actual) in replies.Zip(outcomes))
        {
            recorded.Remove("id");
            Assert.True(JsonNode.DeepEquals(recorded, actual), $"Recorded {recorded.ToJsonString()}, got {actual.ToJsonString()}.");
        }

        Assert.Equal(events.Select(e => (string?)e["event"]), received.Select(e => e.Name));
        Assert.All(events.Zip(received), pairOf => Assert.True(JsonNode.DeepEquals(pairOf.First["data"] ?? new JsonObject(), pairOf.Second.Data)));
        Assert.Equal([Connecting, Greeting, Capabilities, Ready, Closed], pair.States.States);
        await pair.Peer;
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_query_the_status_of_a_paused_QEMU_7_2_and_quit()
    {
        // Arrange
        await using var client = await ReplayAsync("7.2.22/query-status.jsonl");

        // Act
        var status = await client.QueryStatusAsync();
        await client.QuitAsync();

        // Assert
        Assert.Equal(new QmpStatus("prelaunch", Running: false), status);
        Assert.Equal(Closed, client.Session.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_see_POWERDOWN_RESUME_and_STOP_from_QEMU_7_2_by_the_time_each_command_returns()
    {
        // Arrange
        await using var client = await ReplayAsync("7.2.22/powerdown-cont-stop.jsonl");
        await client.QueryStatusAsync();

        // Act
        await client.SystemPowerdownAsync();
        client.Events.TryRead(out var powerdown);
        await client.ContAsync();
        client.Events.TryRead(out var resume);
        var running = await client.QueryStatusAsync();
        await client.StopAsync();
        client.Events.TryRead(out var stop);
        await client.QuitAsync();

        // Assert
        Assert.Equal(new[] { "POWERDOWN", "RESUME", "STOP" }, new[] { powerdown?.Name, resume?.Name, stop?.Name });
        Assert.Equal(new QmpStatus("running", Running: true), running);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_hot_plug_and_unplug_a_usb_kbd_on_QEMU_7_2()
    {
        // Arrange
        await using var client = await ReplayAsync("7.2.22/device-add-del-usb-kbd.jsonl");

        // Act
        await client.DeviceAddAsync("usb-kbd", "kbd0", new Dictionary<string, JsonNode?> { ["bus"] = "xhci.0" });
        var deleted = await client.DeviceDelAndWaitAsync("kbd0");
        await client.QuitAsync();

        // Assert
        Assert.Equal("/machine/peripheral/kbd0", deleted.GetDataString("path"));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_get_the_error_classes_QEMU_7_2_really_sends()
    {
        // Arrange
        await using var client = await ReplayAsync("7.2.22/error-replies.jsonl");

        // Act
        var unknown = await Assert.ThrowsAsync<QmpCommandException>(() => client.Session.ExecuteAsync("lodge-no-such-command"));
        var missing = await Assert.ThrowsAsync<QmpCommandException>(() => client.DeviceDelAsync("no-such-device"));
        await client.QuitAsync();

        // Assert
        Assert.Equal("QEMU rejected the QMP command 'lodge-no-such-command' with CommandNotFound: 'The command lodge-no-such-command has not been found'.", unknown.Message);
        Assert.Equal(("DeviceNotFound", "Device 'no-such-device' not found"), (missing.ErrorClass, missing.Desc));
    }

    private static async Task<QmpClient> ReplayAsync(string transcript)
    {
        var (client, server) = InMemoryDuplexStream.CreatePair();
        _ = ScriptedQmpPeer.FromTranscript(Path.Combine(RepositoryPaths.TranscriptOutputDirectory, transcript)).Start(server);
        return await QmpClient.ConnectAsync(client);
    }
}
