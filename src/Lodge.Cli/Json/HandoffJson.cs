using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lodge.Core.Handoff;
using Lodge.Linux.Simulation;

namespace Lodge.Cli.Json;

/// <summary>The <c>--simulate</c> JSON of issue 5, on one line: <c>{"steps": [{"index": 1, "name": "...", "outcome": "done"}], "restored": true, "diff": []}</c>.</summary>
public static class HandoffJson
{
    /// <summary>The JSON text with a trailing newline.</summary>
    public static string Write(HandoffSimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder("{\"steps\": [");
        text.AppendJoin(", ", result.Steps.Select(s => $"{{\"index\": {s.Index}, \"name\": {Quote(s.Name)}, \"outcome\": \"{Outcome(s.Outcome)}\"}}"));
        text.Append("], \"restored\": ").Append(result.Restored ? "true" : "false");
        text.Append(", \"diff\": [").AppendJoin(", ", result.Diff.Select(Quote)).Append("]}\n");
        return text.ToString();
    }

    /// <summary>done, failed, timed-out or undone.</summary>
    public static string Outcome(StepOutcome outcome) => outcome switch
    {
        StepOutcome.Done => "done",
        StepOutcome.Failed => "failed",
        StepOutcome.TimedOut => "timed-out",
        _ => "undone",
    };

    private static string Quote(string value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStringValue(value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
