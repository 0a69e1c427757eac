using Lodge.Core.Reports;

namespace Lodge.Core.Catalog;

/// <summary>The catalog's generated <c>index.json</c>: how many reports, good and bad, per GPU, board, OS and outcome.</summary>
public static class CatalogIndex
{
    /// <summary>The format name of the index file.</summary>
    public const string Format = "lodge-catalog-index";

    /// <summary>True when an attempt counts as good: it worked and its reporter did not rate it bad.</summary>
    public static bool IsGood(OutcomeReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.Result.Succeeded && r.Rating is not { Good: false };
    }

    /// <summary>The GPU key of a report: vendor:device, or "none".</summary>
    public static string GpuKey(OutcomeReport r) => r.Hardware.Gpu is { Length: >= 9 } g ? g[..9] : "none";

    /// <summary>The board key of a report: "vendor model", or "unknown".</summary>
    public static string BoardKey(OutcomeReport r) =>
        $"{r.Hardware.BoardVendor} {r.Hardware.BoardModel}".Trim() is { Length: > 0 } b ? b : "unknown";

    /// <summary>The outcome word of a report: good, bad (worked but rated bad), failed (did not work).</summary>
    public static string OutcomeKey(OutcomeReport r) => IsGood(r) ? "good" : r.Result.Succeeded ? "bad" : "failed";

    /// <summary>Writes the index of <paramref name="reports"/>, keys sorted, so that the same catalog gives the same bytes.</summary>
    public static string Write(IEnumerable<OutcomeReport> reports) => new CatalogIndexCounts().Add(reports).Write();
}
