using System.Text.Json.Nodes;

namespace Lodge.Qmp.Protocol;

/// <summary>The greeting QEMU sends when a client connects (QMP spec, section 2.2 "Server Greeting").</summary>
/// <remarks>
/// Sample from QEMU 7.2:
/// <c>{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian ..."}, "capabilities": ["oob"]}}</c>
/// </remarks>
public sealed record QmpGreeting(QmpVersion Version, IReadOnlyList<string> Capabilities)
{
    /// <summary>Checks <paramref name="message"/> against the spec and returns the typed greeting.</summary>
    /// <exception cref="QmpProtocolException">The message is not a well-formed greeting.</exception>
    public static QmpGreeting Parse(JsonObject message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message["QMP"] is not JsonObject qmp)
        {
            throw new QmpProtocolException("QEMU's first QMP message is not a greeting: it has no 'QMP' object.", message.ToJsonString());
        }

        var version = QmpJson.GetObject(qmp, "version", "greeting");
        var qemu = QmpJson.GetObject(version, "qemu", "greeting version");
        var parsed = new QmpVersion(
            QmpJson.GetInt32(qemu, "major", "greeting version"),
            QmpJson.GetInt32(qemu, "minor", "greeting version"),
            QmpJson.GetInt32(qemu, "micro", "greeting version"),
            QmpJson.GetString(version, "package", "greeting version"));

        if (qmp["capabilities"] is not JsonArray capabilities)
        {
            throw new QmpProtocolException("The QMP greeting has no 'capabilities' array.", message.ToJsonString());
        }

        var names = new List<string>(capabilities.Count);
        foreach (var capability in capabilities)
        {
            names.Add(QmpJson.AsString(capability)
                ?? throw new QmpProtocolException("The QMP greeting lists a capability that is not a string.", message.ToJsonString()));
        }

        return new QmpGreeting(parsed, names);
    }
}
