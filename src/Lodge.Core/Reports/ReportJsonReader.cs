using System.Globalization;
using System.Text.Json;

namespace Lodge.Core.Reports;

/// <summary>Reads a report file written by <see cref="ReportJson"/> (here or on another machine) and checks its shape.</summary>
public static class ReportJsonReader
{
    /// <summary>Parses the text; throws <see cref="ReportFormatException"/> with a one-sentence reason naming the place.</summary>
    public static IReadOnlyList<OutcomeReport> Read(string text, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ReportFormatException($"'{source}' is not JSON (line {e.LineNumber + 1}): {e.Message}", source);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "format") != ReportJson.Format)
            {
                throw new ReportFormatException($"'{source}' is not a lodge report file (its \"format\" is not \"{ReportJson.Format}\").", source);
            }

            if (!root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version) || version is < 1 or > ReportJson.Version)
            {
                throw new ReportFormatException($"'{source}' has a report format version this lodge cannot read (it reads 1 to {ReportJson.Version}).", source) { Hint = "Update lodge to import it." };
            }

            if (!root.TryGetProperty("reports", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new ReportFormatException($"'{source}' has no \"reports\" array.", source);
            }

            var result = new List<OutcomeReport>();
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                result.Add(ReadReport(item, $"{source} reports[{index++}]"));
            }

            return result;
        }
    }

    private static OutcomeReport ReadReport(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("hardware", out var hw) || !e.TryGetProperty("guest", out var guest) || !e.TryGetProperty("result", out var result)
            || hw.ValueKind != JsonValueKind.Object || guest.ValueKind != JsonValueKind.Object || result.ValueKind != JsonValueKind.Object)
        {
            throw new ReportFormatException($"{where} lacks one of \"hardware\", \"guest\" or \"result\".", where);
        }

        if (!DateTimeOffset.TryParseExact(Text(e, "recorded") ?? string.Empty, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var recorded))
        {
            throw new ReportFormatException($"{where} has no \"recorded\" date like \"2026-11-27\".", where);
        }

        var usb = hw.TryGetProperty("usbControllers", out var u) && u.ValueKind == JsonValueKind.Array
            ? u.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
        var features = new Dictionary<string, string>(StringComparer.Ordinal);
        if (guest.TryGetProperty("features", out var f) && f.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in f.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                features[p.Name] = p.Value.GetString()!;
            }
        }

        ReportRating? rating = e.TryGetProperty("rating", out var r) && r.ValueKind == JsonValueKind.Object
            ? new ReportRating(Text(r, "verdict") == "good", Text(r, "note"))
            : null;
        return new OutcomeReport(
            0,
            "imported",
            null,
            recorded,
            new ReportHardware(Text(hw, "cpuModel"), Text(hw, "boardVendor"), Text(hw, "boardModel"), Text(hw, "biosVersion"), Text(hw, "gpu")?.ToLowerInvariant(), Text(hw, "gpuName"), Text(hw, "vbiosVersion"), usb),
            new ReportVersions(e.TryGetProperty("versions", out var vs) ? Text(vs, "kernel") : null, e.TryGetProperty("versions", out var vq) ? Text(vq, "qemu") : null),
            new ReportGuest(Text(guest, "os") ?? "other", features),
            new ReportResult(Bool(result, "started"), Bool(result, "healthy"), result.TryGetProperty("handoffClean", out var hc) && hc.ValueKind is JsonValueKind.True or JsonValueKind.False ? hc.GetBoolean() : null, Text(result, "failedStep"), Text(result, "error")),
            rating);
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
