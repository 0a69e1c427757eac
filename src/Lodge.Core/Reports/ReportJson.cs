using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lodge.Core.Reports;

/// <summary>The shareable report file: <c>{"format": "lodge-report", "version": 1, "reports": [...]}</c>, documented
/// by docs/report.schema.json. Writing takes already privacy-filtered reports; reading validates the shape.</summary>
public static class ReportJson
{
    /// <summary>The format name in every file.</summary>
    public const string Format = "lodge-report";

    /// <summary>The version this code writes and the newest it reads.</summary>
    public const int Version = 1;

    /// <summary>Writes reports as an indented document.</summary>
    public static string Write(IEnumerable<OutcomeReport> reports)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("version", Version);
            w.WriteStartArray("reports");
            foreach (var r in reports)
            {
                WriteReport(w, r);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteReport(Utf8JsonWriter w, OutcomeReport r)
    {
        w.WriteStartObject();
        w.WriteString("recorded", r.RecordedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteString("origin", r.Origin);
        w.WriteStartObject("hardware");
        Str(w, "cpuModel", r.Hardware.CpuModel);
        Str(w, "boardVendor", r.Hardware.BoardVendor);
        Str(w, "boardModel", r.Hardware.BoardModel);
        Str(w, "biosVersion", r.Hardware.BiosVersion);
        Str(w, "gpu", r.Hardware.Gpu);
        Str(w, "gpuName", r.Hardware.GpuName);
        Str(w, "vbiosVersion", r.Hardware.VbiosVersion);
        w.WriteStartArray("usbControllers");
        foreach (var u in r.Hardware.UsbControllers)
        {
            w.WriteStringValue(u);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("versions");
        Str(w, "kernel", r.Versions.Kernel);
        Str(w, "qemu", r.Versions.Qemu);
        w.WriteEndObject();
        w.WriteStartObject("guest");
        w.WriteString("os", r.Guest.Os);
        w.WriteStartObject("features");
        foreach (var (k, v) in r.Guest.Features.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("result");
        w.WriteBoolean("started", r.Result.Started);
        w.WriteBoolean("healthy", r.Result.Healthy);
        if (r.Result.HandoffClean is { } clean)
        {
            w.WriteBoolean("handoffClean", clean);
        }
        else
        {
            w.WriteNull("handoffClean");
        }

        Str(w, "failedStep", r.Result.FailedStep);
        Str(w, "error", r.Result.Error);
        w.WriteEndObject();
        if (r.Rating is { } rating)
        {
            w.WriteStartObject("rating");
            w.WriteString("verdict", rating.Good ? "good" : "bad");
            Str(w, "note", rating.Note);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("rating");
        }

        w.WriteEndObject();
    }

    private static void Str(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
