using System.Text.Json.Nodes;

namespace Lodge.Qmp.Protocol;

/// <summary>An asynchronous event from QEMU, such as <c>SHUTDOWN</c>, <c>POWERDOWN</c>, <c>STOP</c>, <c>RESUME</c> or <c>DEVICE_DELETED</c>.</summary>
/// <remarks>
/// QMP spec, section 2.5 "Asynchronous events". Sample:
/// <c>{"timestamp": {"seconds": 1795808203, "microseconds": 233894}, "event": "DEVICE_DELETED", "data": {"device": "kbd0", "path": "/machine/peripheral/kbd0"}}</c>
/// </remarks>
/// <param name="Name">The event name, such as <c>DEVICE_DELETED</c>.</param>
/// <param name="Data">The <c>data</c> member; empty when QEMU sent none.</param>
/// <param name="Timestamp">When QEMU emitted the event, by QEMU's host clock.</param>
public sealed record QmpEvent(string Name, JsonObject Data, DateTimeOffset Timestamp)
{
    /// <summary>Checks <paramref name="message"/> against the spec and returns the typed event.</summary>
    /// <exception cref="QmpProtocolException">The message has no event name or no valid timestamp.</exception>
    public static QmpEvent Parse(JsonObject message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var name = QmpJson.GetString(message, "event", "event");
        var timestamp = QmpJson.GetObject(message, "timestamp", "event");
        var seconds = QmpJson.GetInt64(timestamp, "seconds", "event timestamp");
        var microseconds = QmpJson.GetInt64(timestamp, "microseconds", "event timestamp");
        var data = message["data"] switch
        {
            null => [],
            JsonObject obj => (JsonObject)obj.DeepClone(),
            _ => throw new QmpProtocolException($"The QMP event '{name}' has a 'data' member that is not an object.", message.ToJsonString()),
        };

        // QEMU reports -1/-1 when it could not read the clock (qmp-spec: "timestamp").
        var when = seconds < 0
            ? DateTimeOffset.UnixEpoch
            : DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
        return new QmpEvent(name, data, when);
    }

    /// <summary>Returns the string member <paramref name="name"/> of <see cref="Data"/>, or <see langword="null"/>.</summary>
    public string? GetDataString(string name) => QmpJson.AsString(Data[name]);
}
