using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lodge.Qmp.Protocol;

/// <summary>Typed, spec-checked access to members of incoming QMP messages, without reflection (NativeAOT-safe).</summary>
internal static class QmpJson
{
    public static JsonObject GetObject(JsonObject parent, string name, string what) =>
        parent[name] as JsonObject
        ?? throw new QmpProtocolException($"The QMP {what} has no '{name}' object.", parent.ToJsonString());

    public static string GetString(JsonObject parent, string name, string what) =>
        AsString(parent[name])
        ?? throw new QmpProtocolException($"The QMP {what} has no '{name}' string.", parent.ToJsonString());

    public static int GetInt32(JsonObject parent, string name, string what) =>
        AsInt64(parent[name]) is { } value and >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new QmpProtocolException($"The QMP {what} has no '{name}' integer.", parent.ToJsonString());

    public static long GetInt64(JsonObject parent, string name, string what) =>
        AsInt64(parent[name])
        ?? throw new QmpProtocolException($"The QMP {what} has no '{name}' integer.", parent.ToJsonString());

    public static bool GetBoolean(JsonObject parent, string name, string what) =>
        parent[name] is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? value.GetValue<bool>()
            : throw new QmpProtocolException($"The QMP {what} has no '{name}' boolean.", parent.ToJsonString());

    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static long? AsInt64(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out long result)
            ? result
            : null;
}
