using System.Text;
using System.Text.Json.Nodes;
using Lodge.Qmp.Framing;
using Lodge.Testing.Streams;

namespace Lodge.Qmp.Tests.Framing;

/// <summary>Newline-delimited JSON over a stream, with nothing of QMP's meaning.</summary>
public sealed class FramingSpecs
{
    [Fact(Timeout = 15000)]
    public async Task I_can_read_messages_that_are_split_across_writes_or_share_one_write()
    {
        // Arrange
        var (client, server) = InMemoryDuplexStream.CreatePair();
        await using var reader = new QmpFrameReader(client);

        // Act
        await server.WriteAsync(Encoding.UTF8.GetBytes("{\"return\": {}, \"i"));
        var first = reader.ReadAsync();
        await server.WriteAsync(Encoding.UTF8.GetBytes("d\": 1}\r\n{\"event\": \"STOP\"}\r\n\r\n  \n{\"return\": 3}\n"));
        server.Dispose();

        // Assert
        Assert.Equal("{\"return\":{},\"id\":1}", (await first)?.ToJsonString());
        Assert.Equal("STOP", (await reader.ReadAsync())?["event"]?.GetValue<string>());
        Assert.Equal(3, (await reader.ReadAsync())?["return"]?.GetValue<int>());
        Assert.Null(await reader.ReadAsync());
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_read_a_large_message_that_arrives_in_many_small_chunks()
    {
        // Arrange
        var (client, server) = InMemoryDuplexStream.CreatePair();
        await using var reader = new QmpFrameReader(client);
        var payload = new string('s', 1024 * 1024);
        var bytes = Encoding.UTF8.GetBytes($"{{\"return\": \"{payload}\", \"id\": \"lodge-9\"}}\r\n");

        // Act
        var reading = reader.ReadAsync().AsTask();
        foreach (var chunk in bytes.Chunk(1000))
        {
            await server.WriteAsync(chunk);
        }

        var message = await reading;

        // Assert
        Assert.Equal(payload.Length, message?["return"]?.GetValue<string>().Length);
        Assert.Equal("lodge-9", message?["id"]?.GetValue<string>());
    }

    [Theory(Timeout = 15000)]
    [InlineData("nope\n", "QEMU sent a QMP message that is not valid JSON.")]
    [InlineData("[1, 2]\n", "QEMU sent a QMP message that is not a JSON object.")]
    [InlineData("\"text\"\n", "QEMU sent a QMP message that is not a JSON object.")]
    [InlineData("{\"return\": {}", "The QMP stream ended in the middle of a message.")]
    public async Task I_can_try_to_read_something_that_is_not_one_JSON_object_per_line_and_get_QmpProtocolException(string input, string expected)
    {
        // Arrange
        await using var reader = new QmpFrameReader(new MemoryStream(Encoding.UTF8.GetBytes(input)));

        // Act
        var error = await Assert.ThrowsAsync<QmpProtocolException>(() => reader.ReadAsync().AsTask());

        // Assert
        Assert.Equal(expected, error.Message);
        Assert.NotNull(error.Json);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_read_a_message_over_the_size_limit_and_get_QmpProtocolException()
    {
        // Arrange
        var huge = "{\"return\": \"" + new string('x', 100) + "\"}\n";
        await using var reader = new QmpFrameReader(new MemoryStream(Encoding.UTF8.GetBytes(huge)), maxMessageBytes: 64);

        // Act
        var error = await Assert.ThrowsAsync<QmpProtocolException>(() => reader.ReadAsync().AsTask());

        // Assert
        Assert.StartsWith("QEMU sent ", error.Message);
        Assert.Contains("the limit of 64 bytes", error.Message);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_write_a_message_as_one_compact_line()
    {
        // Arrange
        var buffer = new MemoryStream();
        using var writer = new QmpFrameWriter(buffer);

        // Act
        await writer.WriteAsync(new JsonObject { ["execute"] = "device_add", ["arguments"] = new JsonObject { ["driver"] = "usb-kbd" }, ["id"] = "lodge-1" });

        // Assert
        Assert.Equal("{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"usb-kbd\"},\"id\":\"lodge-1\"}\n", Encoding.UTF8.GetString(buffer.ToArray()));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_write_from_many_tasks_at_once_without_interleaving_lines()
    {
        // Arrange
        var (client, server) = InMemoryDuplexStream.CreatePair();
        using var writer = new QmpFrameWriter(client);
        await using var reader = new QmpFrameReader(server);

        // Act
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            writer.WriteAsync(new JsonObject { ["execute"] = "query-status", ["id"] = i, ["pad"] = new string('p', i * 10) }).AsTask())));
        client.Dispose();
        var ids = new List<int>();
        while (await reader.ReadAsync() is { } message)
        {
            ids.Add(message["id"]!.GetValue<int>());
        }

        // Assert
        Assert.Equal(Enumerable.Range(0, 200), ids.Order());
    }
}
