using System.Text.Json.Nodes;

namespace Lodge.Qmp.Protocol;

/// <summary>A reply to a command: a success (QMP spec 2.4.1) or an error (2.4.2), with the id the client sent.</summary>
/// <remarks>Samples: <c>{"return": {}, "id": 1}</c> and <c>{"id": 6, "error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}</c>.</remarks>
internal sealed record QmpReply(string? Id, JsonNode? Return, string? ErrorClass, string? ErrorDesc)
{
    public bool IsError => ErrorClass is not null;

    public static QmpReply Parse(JsonObject message)
    {
        // Ids are always strings because this client only sends strings; anything else is unknown.
        var id = QmpJson.AsString(message["id"]);
        if (message.TryGetPropertyValue("return", out var value))
        {
            return new QmpReply(id, value?.DeepClone(), null, null);
        }

        if (message["error"] is JsonObject error)
        {
            return new QmpReply(
                id,
                null,
                QmpJson.GetString(error, "class", "error response"),
                QmpJson.GetString(error, "desc", "error response"));
        }

        throw new QmpProtocolException("QEMU sent a QMP message that is neither a reply, an error nor an event.", message.ToJsonString());
    }
}
