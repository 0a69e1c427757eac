using System.Text.Json;
using Lodge.Core.Doctor;

namespace Lodge.Cli.Json;

/// <summary>The <c>lodge doctor --json</c> document: <c>{"verdict", "exitCode", "sections": [{"title", "checks": [...]}]}</c>.</summary>
public static class DoctorJson
{
    /// <summary>Renders the document.</summary>
    public static string Write(DoctorReport report) => JsonOutput.Build(w => Write(w, report));

    /// <summary>Writes the document to <paramref name="output"/> (straight to the stream on standard output).</summary>
    public static void WriteTo(TextWriter output, DoctorReport report) => JsonOutput.WriteTo(output, w => Write(w, report));

    private static void Write(Utf8JsonWriter w, DoctorReport report)
    {
        w.WriteStartObject();
        w.WriteString("verdict", report.Verdict);
        w.WriteNumber("exitCode", report.ExitCode);
        w.Strings("passableGpus", report.Gpus.Where(g => g.IsPassable).Select(g => g.Device.Address.ToString()));
        w.WriteStartArray("sections");
        foreach (var s in report.Sections)
        {
            w.WriteStartObject();
            w.WriteString("title", s.Title);
            w.WriteStartArray("checks");
            foreach (var c in s.Checks)
            {
                WriteCheck(w, c);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCheck(Utf8JsonWriter w, DoctorCheck c)
    {
        w.WriteStartObject();
        w.WriteString("status", c.Status.ToString().ToLowerInvariant());
        w.WriteString("title", c.Title);
        w.WriteString("detail", c.Detail);
        w.StringOrNull("fix", c.Fix);
        if (c.Details.Count > 0)
        {
            w.WriteStartArray("details");
            foreach (var d in c.Details)
            {
                WriteCheck(w, d);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }
}
