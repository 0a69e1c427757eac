using System.Globalization;
using System.Text;
using System.Text.Json;
using Lodge.Core.Reports;

namespace Lodge.Core.Catalog;

/// <summary>Reads one file of a catalog strictly: a catalog is written by strangers, so every file is checked against
/// the schema (docs/report.schema.json) before anything of it is believed, and refused with one sentence otherwise.</summary>
/// <remarks>Refused: a name that is not <c>gpu/VVVV-DDDD/&lt;64 hex&gt;.json</c>, more than <see cref="MaxBytes"/>
/// bytes, invalid UTF-8 or JSON, nesting deeper than <see cref="MaxDepth"/>, an unknown major version, a number
/// anywhere but the version, any wrong type, unknown or missing field, over-long texts, identifying data (what the
/// privacy filter would change), a GPU that is not the folder's, and a name that is not the hash of the content.</remarks>
public static class CatalogFile
{
    /// <summary>The largest file accepted: a real report is about 1.5 KiB.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The deepest nesting accepted: a report nests four levels.</summary>
    public const int MaxDepth = 8;

    /// <summary>The longest text accepted in any field.</summary>
    public const int MaxText = 4096;

    private static readonly string[] TopKeys = ["format", "version", "reports"];
    private static readonly string[] ReportKeys = ["recorded", "origin", "hardware", "versions", "guest", "result", "rating"];
    private static readonly string[] HardwareKeys = ["cpuModel", "boardVendor", "boardModel", "biosVersion", "gpu", "gpuName", "vbiosVersion", "usbControllers"];
    private static readonly string[] VersionKeys = ["kernel", "qemu"];
    private static readonly string[] GuestKeys = ["os", "features"];
    private static readonly string[] ResultKeys = ["started", "healthy", "handoffClean", "failedStep", "error"];
    private static readonly string[] RatingKeys = ["verdict", "note"];
    private static readonly string[] Oses = ["windows11", "windows10", "macos", "linux", "other"];

    /// <summary>Checks and reads the file at <paramref name="relativePath"/> in the catalog.</summary>
    public static CatalogFileResult Read(string relativePath, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        try
        {
            var (report, id) = ReadCore(relativePath, content);
            return new CatalogFileResult(relativePath, report, id, null);
        }
        catch (CatalogFileException e)
        {
            return new CatalogFileResult(relativePath, null, null, e.Message);
        }
    }

    private static (OutcomeReport, string) ReadCore(string path, ReadOnlySpan<byte> content)
    {
        if (!CatalogPath.TryParse(path, out var folder, out var id))
        {
            throw new CatalogFileException("its name is not gpu/VVVV-DDDD/<64 hex digits>.json (a path trick or a stray file)");
        }

        if (content.Length > MaxBytes)
        {
            throw new CatalogFileException($"it is {content.Length} bytes, more than the {MaxBytes} a report may have");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw new CatalogFileException("it is not UTF-8 text");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e) when (e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase))
        {
            throw new CatalogFileException($"it nests deeper than {MaxDepth} levels");
        }
        catch (JsonException e)
        {
            throw new CatalogFileException($"it is not JSON (line {(e.LineNumber ?? 0) + 1})");
        }

        OutcomeReport report;
        using (doc)
        {
            report = Validate(doc.RootElement);
        }

        if (report.Hardware.Gpu is { } gpu && !CatalogPath.GpuFolder(gpu).Equals(folder, StringComparison.Ordinal))
        {
            throw new CatalogFileException($"its GPU {gpu} does not belong in folder gpu/{folder}");
        }

        if (report.Hardware.Gpu is null && folder != CatalogPath.NoGpu)
        {
            throw new CatalogFileException($"it has no GPU but sits in folder gpu/{folder}");
        }

        var identifying = IdentifyingField(report);
        if (identifying is not null)
        {
            throw new CatalogFileException($"its {identifying} carries identifying data (a serial number, UUID, MAC or IP address, or home path)");
        }

        var actual = CatalogId.Of(report);
        if (!actual.Equals(id, StringComparison.Ordinal))
        {
            throw new CatalogFileException("its name is not the hash of its content (edited after publishing, or named by hand)");
        }

        return (report, id);
    }

    private static OutcomeReport Validate(JsonElement root)
    {
        Keys(root, TopKeys, TopKeys, "the document");
        if (root.GetProperty("format") is not { ValueKind: JsonValueKind.String } f || f.GetString() != ReportJson.Format)
        {
            throw new CatalogFileException($"its \"format\" is not \"{ReportJson.Format}\"");
        }

        var v = root.GetProperty("version");
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version) || version < 1)
        {
            throw new CatalogFileException("its \"version\" is not a small whole number");
        }

        if (version > ReportJson.Version)
        {
            throw new CatalogFileException($"it has report format version {version}, newer than this lodge reads ({ReportJson.Version}); update lodge to import it");
        }

        var list = root.GetProperty("reports");
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() != 1)
        {
            throw new CatalogFileException("its \"reports\" is not an array of exactly one report");
        }

        var e = list[0];
        Keys(e, ReportKeys, ReportKeys, "the report");
        var recordedText = Str(e, "recorded", "recorded", nullable: false)!;
        if (!DateTimeOffset.TryParseExact(recordedText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var recorded))
        {
            throw new CatalogFileException("its \"recorded\" is not a date like 2026-11-27");
        }

        if (Str(e, "origin", "origin", nullable: false) is not ("local" or "imported"))
        {
            throw new CatalogFileException("its \"origin\" is not \"local\" or \"imported\"");
        }

        var hw = Obj(e, "hardware", HardwareKeys);
        var gpu = Str(hw, "gpu", "hardware.gpu", nullable: true);
        if (gpu is not null && CatalogPath.GpuFolder(gpu) == CatalogPath.NoGpu)
        {
            throw new CatalogFileException("its \"hardware.gpu\" is not vendor:device[:subvendor:subdevice] in lower-case hex");
        }

        var usbElement = hw.GetProperty("usbControllers");
        if (usbElement.ValueKind != JsonValueKind.Array || usbElement.GetArrayLength() > 32)
        {
            throw new CatalogFileException("its \"hardware.usbControllers\" is not an array of at most 32 ids");
        }

        var usb = new List<string>();
        foreach (var u in usbElement.EnumerateArray())
        {
            if (u.ValueKind != JsonValueKind.String || u.GetString() is not { Length: 9 } s || s[4] != ':' || !s.Remove(4, 1).All(char.IsAsciiHexDigitLower))
            {
                throw new CatalogFileException("its \"hardware.usbControllers\" holds something that is not a vendor:device id");
            }

            usb.Add(s);
        }

        var versions = Obj(e, "versions", VersionKeys);
        var guest = Obj(e, "guest", GuestKeys);
        var os = Str(guest, "os", "guest.os", nullable: false)!;
        if (!Oses.Contains(os))
        {
            throw new CatalogFileException("its \"guest.os\" is not one of windows11, windows10, macos, linux, other");
        }

        var featuresElement = guest.GetProperty("features");
        if (featuresElement.ValueKind != JsonValueKind.Object)
        {
            throw new CatalogFileException("its \"guest.features\" is not an object");
        }

        var features = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in featuresElement.EnumerateObject())
        {
            if (features.Count >= 64 || p.Name.Length is 0 or > 64 || p.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                throw new CatalogFileException("its \"guest.features\" has too many or oddly named features");
            }

            if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString()!.Length > MaxText)
            {
                throw new CatalogFileException($"its feature \"{p.Name}\" is not a text");
            }

            features[p.Name] = p.Value.GetString()!;
        }

        var result = Obj(e, "result", ResultKeys);
        var rating = e.GetProperty("rating");
        ReportRating? parsedRating = null;
        if (rating.ValueKind == JsonValueKind.Object)
        {
            Keys(rating, RatingKeys, RatingKeys, "\"rating\"");
            var verdict = Str(rating, "verdict", "rating.verdict", nullable: false);
            if (verdict is not ("good" or "bad"))
            {
                throw new CatalogFileException("its \"rating.verdict\" is not \"good\" or \"bad\"");
            }

            parsedRating = new ReportRating(verdict == "good", Str(rating, "note", "rating.note", nullable: true));
        }
        else if (rating.ValueKind != JsonValueKind.Null)
        {
            throw new CatalogFileException("its \"rating\" is neither an object nor null");
        }

        return new OutcomeReport(
            0,
            "local",
            null,
            recorded,
            new ReportHardware(Str(hw, "cpuModel", "hardware.cpuModel", true), Str(hw, "boardVendor", "hardware.boardVendor", true), Str(hw, "boardModel", "hardware.boardModel", true),
                Str(hw, "biosVersion", "hardware.biosVersion", true), gpu, Str(hw, "gpuName", "hardware.gpuName", true), Str(hw, "vbiosVersion", "hardware.vbiosVersion", true), usb),
            new ReportVersions(Str(versions, "kernel", "versions.kernel", true), Str(versions, "qemu", "versions.qemu", true)),
            new ReportGuest(os, features),
            new ReportResult(Bool(result, "started"), Bool(result, "healthy"), NullableBool(result, "handoffClean"), Str(result, "failedStep", "result.failedStep", true), Str(result, "error", "result.error", true)),
            parsedRating);
    }

    // Which field the privacy filter (with no host secrets: it cannot know the reporter's) would change, or null.
    private static string? IdentifyingField(OutcomeReport report)
    {
        var filtered = ReportPrivacy.Filter(report, []);
        var h = report.Hardware;
        var f = filtered.Hardware;
        (string Name, string? Before, string? After)[] fields =
        [
            ("hardware.cpuModel", h.CpuModel, f.CpuModel), ("hardware.boardVendor", h.BoardVendor, f.BoardVendor), ("hardware.boardModel", h.BoardModel, f.BoardModel),
            ("hardware.biosVersion", h.BiosVersion, f.BiosVersion), ("hardware.gpuName", h.GpuName, f.GpuName), ("hardware.vbiosVersion", h.VbiosVersion, f.VbiosVersion),
            ("versions.kernel", report.Versions.Kernel, filtered.Versions.Kernel), ("versions.qemu", report.Versions.Qemu, filtered.Versions.Qemu),
            ("result.failedStep", report.Result.FailedStep, filtered.Result.FailedStep), ("result.error", report.Result.Error, filtered.Result.Error),
            ("rating.note", report.Rating?.Note, filtered.Rating?.Note),
        ];
        foreach (var (name, before, after) in fields)
        {
            if (!string.Equals(before, after, StringComparison.Ordinal))
            {
                return $"\"{name}\"";
            }
        }

        foreach (var (k, v) in report.Guest.Features)
        {
            if (!string.Equals(v, filtered.Guest.Features[k], StringComparison.Ordinal))
            {
                return $"feature \"{k}\"";
            }
        }

        return null;
    }

    private static void Keys(JsonElement e, string[] required, string[] allowed, string what)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new CatalogFileException($"{what} is not an object");
        }

        foreach (var p in e.EnumerateObject())
        {
            if (!allowed.Contains(p.Name, StringComparer.Ordinal))
            {
                throw new CatalogFileException($"{what} has a field the schema does not know (\"{Shorten(p.Name)}\")");
            }
        }

        foreach (var name in required)
        {
            if (!e.TryGetProperty(name, out _))
            {
                throw new CatalogFileException($"{what} lacks \"{name}\"");
            }
        }
    }

    private static JsonElement Obj(JsonElement parent, string name, string[] keys)
    {
        var e = parent.GetProperty(name);
        Keys(e, keys, keys, $"\"{name}\"");
        return e;
    }

    private static string? Str(JsonElement e, string name, string where, bool nullable)
    {
        var v = e.GetProperty(name);
        if (v.ValueKind == JsonValueKind.Null && nullable)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            throw new CatalogFileException($"its \"{where}\" is a {v.ValueKind.ToString().ToLowerInvariant()}, not a text{(nullable ? " or null" : string.Empty)}");
        }

        var s = v.GetString()!;
        if (s.Length > MaxText || s.Any(c => char.IsControl(c) && c != '\n' && c != '\t'))
        {
            throw new CatalogFileException($"its \"{where}\" is longer than {MaxText} characters or holds control characters");
        }

        return s;
    }

    private static bool Bool(JsonElement e, string name)
    {
        var v = e.GetProperty(name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new CatalogFileException($"its \"result.{name}\" is not true or false"),
        };
    }

    private static bool? NullableBool(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : Bool(e, name);

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private sealed class CatalogFileException(string message) : Exception(message);
}
