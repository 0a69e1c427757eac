using System.Text.Json.Nodes;

namespace Lodge.Testing.Qmp;

public sealed partial class ScriptedQmpPeer
{
    /// <summary>Builds a script that replays a recorded conversation (<c>tests/data/qmp/&lt;version&gt;/*.jsonl</c>).</summary>
    /// <remarks>
    /// Each line is <c>{"dir":"s2c","msg":{...}}</c> (QEMU sent it), <c>{"dir":"c2s","msg":{...}}</c> (the client sent
    /// it) or <c>{"dir":"s2c","close":"eof"|"reset"}</c> (QEMU closed the socket). A <c>c2s</c> line becomes an
    /// <see cref="Expect"/> that checks the command and its exact arguments; the recorded id is mapped to the id the
    /// client really sent, so replies carrying the recorded id reach the right command.
    /// </remarks>
    public static ScriptedQmpPeer FromTranscript(string path) => FromTranscript(File.ReadLines(path), path);

    /// <summary>Builds a script from transcript lines; <paramref name="source"/> names them in error messages.</summary>
    public static ScriptedQmpPeer FromTranscript(IEnumerable<string> lines, string source = "transcript")
    {
        ArgumentNullException.ThrowIfNull(lines);
        var peer = new ScriptedQmpPeer();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var entry = JsonNode.Parse(line) as JsonObject
                ?? throw new FormatException($"Line {number} of '{source}' is not a JSON object.");
            var direction = entry["dir"]?.GetValue<string>();
            var message = entry["msg"] as JsonObject;
            var close = entry["close"]?.GetValue<string>();
            switch (direction, message, close)
            {
                case ("c2s", { } sent, null):
                    var command = sent["execute"]?.GetValue<string>()
                        ?? throw new FormatException($"Line {number} of '{source}' is a client message without 'execute'.");
                    peer.ExpectCore(command, sent["arguments"] as JsonObject, checkArguments: true, AliasOf(sent["id"]));
                    break;
                case ("s2c", { } received, null) when received.ContainsKey("id"):
                    var alias = AliasOf(received["id"]);
                    peer.AddStep((run, token) =>
                    {
                        var reply = (JsonObject)received.DeepClone();
                        reply["id"] = peer.IdOf(alias);
                        return run.Writer.WriteAsync(reply, token).AsTask();
                    });
                    break;
                case ("s2c", { } received, null):
                    peer.Send(received);
                    break;
                case ("s2c", null, "eof"):
                    peer.Close();
                    break;
                case ("s2c", null, "reset"):
                    peer.Reset();
                    break;
                default:
                    throw new FormatException($"Line {number} of '{source}' is neither a 'c2s' or 's2c' message nor an 's2c' close.");
            }
        }

        return peer;
    }

    private static string AliasOf(JsonNode? recordedId) => "recorded:" + (recordedId?.ToJsonString() ?? "null");
}
