namespace Lodge.Core.Reports;

/// <summary>Answers "what worked on this GPU and this board?": the matching reports, best first, and the configuration
/// features whose values made the difference between success and failure.</summary>
public static class ReportQuery
{
    /// <summary>Filters by GPU (vendor:device prefix match), board text (case-insensitive substring of vendor or model) and OS.</summary>
    public static ReportQueryResult Run(IEnumerable<OutcomeReport> reports, string gpu, string? board = null, string? os = null)
    {
        var gpuKey = gpu.Trim().ToLowerInvariant();
        var matching = reports
            .Where(r => r.Hardware.Gpu is { } g && (g == gpuKey || g.StartsWith(gpuKey + ":", StringComparison.Ordinal)))
            .Where(r => board is null || Contains(r.Hardware.BoardVendor, board) || Contains(r.Hardware.BoardModel, board))
            .Where(r => os is null || string.Equals(r.Guest.Os, os, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(Score)
            .ThenByDescending(r => r.RecordedAt)
            .ThenBy(r => r.Id)
            .ToList();
        return new ReportQueryResult(matching, Differences(matching));
    }

    /// <summary>How good an outcome is: a rated-good success first, a rated-bad or failed attempt last.</summary>
    public static int Score(OutcomeReport r)
    {
        var score = r.Result.Succeeded ? 4 : r.Result.Started ? 1 : 0;
        return r.Rating switch
        {
            { Good: true } => score + 2,
            { Good: false } => score - 3,
            _ => score,
        };
    }

    /// <summary>For each feature, the success rate of each of its values; features whose values differ most come first.</summary>
    public static IReadOnlyList<FeatureDifference> Differences(IReadOnlyList<OutcomeReport> reports)
    {
        var result = new List<FeatureDifference>();
        var keys = reports.SelectMany(r => r.Guest.Features.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var values = reports
                .GroupBy(r => r.Guest.Features.TryGetValue(key, out var v) ? v : "(unset)", StringComparer.Ordinal)
                .Select(g => new FeatureValueStats(g.Key, g.Count(), g.Count(IsGood)))
                .OrderByDescending(v => v.SuccessRate)
                .ThenBy(v => v.Value, StringComparer.Ordinal)
                .ToList();
            if (values.Count < 2)
            {
                continue;
            }

            var spread = values[0].SuccessRate - values[^1].SuccessRate;
            if (spread > 0)
            {
                result.Add(new FeatureDifference(key, spread, values));
            }
        }

        return result.OrderByDescending(d => d.Spread).ThenBy(d => d.Feature, StringComparer.Ordinal).ToList();
    }

    private static bool IsGood(OutcomeReport r) => r.Result.Succeeded && r.Rating is not { Good: false };

    private static bool Contains(string? haystack, string needle) =>
        haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);
}
