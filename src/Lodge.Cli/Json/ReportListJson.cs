using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodge.Core.Catalog;
using Lodge.Core.Reports;

namespace Lodge.Cli.Json;

/// <summary>The <c>--json</c> of <c>lodge report list</c> and <c>lodge report query</c> (docs/api.md): local views with the
/// database ids and machine names, unlike the shareable export file (docs/report.schema.json).</summary>
public static class ReportListJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>{"reports": [REPORT...]}</c>, oldest first.</summary>
    public static string List(IEnumerable<OutcomeReport> reports) =>
        new JsonObject { ["reports"] = Array(reports.Select(Report)) }.ToJsonString(Indented);

    /// <summary><c>report query --gpu ID --json</c>: the attempts shown best first (20 unless <c>--all</c>), how many there
    /// are and how many worked, and the features that made the difference.</summary>
    public static string Query(string gpu, ReportQueryResult result, int attempts, int worked)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["gpu"] = gpu,
            ["reports"] = Array(result.Reports.Select(Report)),
            ["attempts"] = attempts,
            ["worked"] = worked,
            ["differences"] = Array(result.Differences.Select(d => (JsonNode)new JsonObject
            {
                ["feature"] = d.Feature,
                ["spread"] = Math.Round(d.Spread, 3),
                ["values"] = Array(d.Values.Select(v => (JsonNode)new JsonObject { ["value"] = v.Value, ["attempts"] = v.Attempts, ["worked"] = v.Worked })),
            })),
        }.ToJsonString(Indented);
    }

    /// <summary><c>report query --json</c> (and the dashboard's <c>/api/reports/query</c>): one GPU's attempts, or each GPU
    /// of this host; escaped for a terminal.</summary>
    public static string Answer(Lodge.App.Reports.ReportQueryAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return Lodge.Core.Machines.TerminalText.EscapeJson(answer.ForGpu is { } outcomes
            ? Query(outcomes.Gpu, outcomes.Ranked, outcomes.Attempts, outcomes.Worked)
            : HostQuery(answer.ForHost.Select(g => (g.Address, g.Knowledge))));
    }

    /// <summary><c>report query --json</c> without <c>--gpu</c>: for each GPU of this host, what the known attempts say.</summary>
    public static string HostQuery(IEnumerable<(string Address, CatalogKnowledge Knowledge)> gpus) =>
        new JsonObject
        {
            ["gpus"] = Array(gpus.Select(g => (JsonNode)new JsonObject
            {
                ["address"] = g.Address,
                ["gpu"] = g.Knowledge.Host.Gpu,
                ["summary"] = CatalogKnowledgeText.Summary(g.Knowledge),
                ["onGpu"] = Tally(g.Knowledge.OnGpu),
                ["onBoard"] = Tally(g.Knowledge.OnBoard),
                ["onKernel"] = Tally(g.Knowledge.OnKernel),
                ["features"] = Array(CatalogKnowledgeText.Features(g.Knowledge).Select(f => (JsonNode)new JsonObject { ["feature"] = f.Feature, ["text"] = f.Text })),
            })),
        }.ToJsonString(Indented);

    private static JsonObject Tally(CatalogTally t) => new() { ["good"] = t.Good, ["bad"] = t.Bad };

    private static JsonNode Report(OutcomeReport r) => new JsonObject
    {
        ["id"] = r.Id,
        ["recorded"] = r.RecordedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["origin"] = r.Origin,
        ["machine"] = r.Machine,
        ["os"] = r.Guest.Os,
        ["gpu"] = r.Hardware.Gpu,
        ["board"] = $"{r.Hardware.BoardVendor} {r.Hardware.BoardModel}".Trim(),
        ["features"] = new JsonObject(r.Guest.Features.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        ["result"] = new JsonObject
        {
            ["succeeded"] = r.Result.Succeeded,
            ["started"] = r.Result.Started,
            ["healthy"] = r.Result.Healthy,
            ["handoffClean"] = r.Result.HandoffClean,
            ["failedStep"] = r.Result.FailedStep,
            ["error"] = r.Result.Error,
        },
        ["rating"] = r.Rating is { } rating ? new JsonObject { ["good"] = rating.Good, ["note"] = rating.Note } : null,
    };

    private static JsonArray Array(IEnumerable<JsonNode> nodes) => new([.. nodes]);
}
