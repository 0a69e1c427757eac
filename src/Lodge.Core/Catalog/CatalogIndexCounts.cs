using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lodge.Core.Reports;

namespace Lodge.Core.Catalog;

/// <summary>The counts behind <c>index.json</c>, which publish updates with the reports it adds instead of reading
/// every file of the catalog again. Read from an index, added to, and written, it gives the same bytes as
/// <see cref="CatalogIndex.Write"/> over every report.</summary>
public sealed class CatalogIndexCounts
{
    private readonly SortedDictionary<string, int[]> _gpus = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int[]> _boards = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int[]> _os = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _outcomes = new(StringComparer.Ordinal);

    /// <summary>How many reports are counted.</summary>
    public int Reports { get; private set; }

    /// <summary>Counts <paramref name="reports"/> too.</summary>
    public CatalogIndexCounts Add(IEnumerable<OutcomeReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        foreach (var r in reports)
        {
            var good = CatalogIndex.IsGood(r);
            Reports++;
            Count(_gpus, CatalogIndex.GpuKey(r), good);
            Count(_boards, CatalogIndex.BoardKey(r), good);
            Count(_os, r.Guest.Os, good);
            var outcome = CatalogIndex.OutcomeKey(r);
            _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
        }

        return this;
    }

    /// <summary>The counts of an <c>index.json</c> this lodge writes, or null when the text is anything else (then the
    /// index is rebuilt from the files).</summary>
    public static CatalogIndexCounts? Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.GetProperty("format").GetString() != CatalogIndex.Format
                || root.GetProperty("version").GetInt32() != 1)
            {
                return null;
            }

            var counts = new CatalogIndexCounts { Reports = root.GetProperty("reports").GetInt32() };
            if (!ReadGroups(root.GetProperty("gpus"), counts._gpus) || !ReadGroups(root.GetProperty("boards"), counts._boards) || !ReadGroups(root.GetProperty("os"), counts._os))
            {
                return null;
            }

            foreach (var o in root.GetProperty("outcomes").EnumerateObject())
            {
                counts._outcomes[o.Name] = o.Value.GetInt32();
            }

            // Each grouping counts every report once: anything else is an index edited by hand or by another tool.
            var total = counts.Reports;
            return total >= 0 && Sum(counts._gpus) == total && Sum(counts._boards) == total && Sum(counts._os) == total && counts._outcomes.Values.Sum() == total
                ? counts
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The index text: keys sorted, so the same catalog gives the same bytes.</summary>
    public string Write()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", CatalogIndex.Format);
            w.WriteNumber("version", 1);
            w.WriteNumber("reports", Reports);
            Write(w, "gpus", _gpus);
            Write(w, "boards", _boards);
            Write(w, "os", _os);
            w.WriteStartObject("outcomes");
            foreach (var (key, n) in _outcomes)
            {
                w.WriteNumber(key, n);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Count(SortedDictionary<string, int[]> groups, string key, bool good)
    {
        if (!groups.TryGetValue(key, out var c))
        {
            groups[key] = c = new int[2];
        }

        c[good ? 0 : 1]++;
    }

    private static int Sum(SortedDictionary<string, int[]> groups) => groups.Values.Sum(c => c[0] + c[1]);

    private static bool ReadGroups(JsonElement element, SortedDictionary<string, int[]> groups)
    {
        foreach (var g in element.EnumerateObject())
        {
            int good = g.Value.GetProperty("good").GetInt32(), bad = g.Value.GetProperty("bad").GetInt32();
            if (good < 0 || bad < 0 || good + bad == 0 || g.Value.GetProperty("reports").GetInt32() != good + bad)
            {
                return false;
            }

            groups[g.Name] = [good, bad];
        }

        return true;
    }

    private static void Write(Utf8JsonWriter w, string name, SortedDictionary<string, int[]> groups)
    {
        w.WriteStartObject(name);
        foreach (var (key, c) in groups)
        {
            w.WriteStartObject(key);
            w.WriteNumber("reports", c[0] + c[1]);
            w.WriteNumber("good", c[0]);
            w.WriteNumber("bad", c[1]);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
