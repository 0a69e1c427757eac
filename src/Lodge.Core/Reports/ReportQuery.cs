namespace Lodge.Core.Reports;

/// <summary>Answers "what worked on this GPU and this board?": the matching reports, best first, and the configuration
/// features whose values made the difference between success and failure.</summary>
public static class ReportQuery
{
    /// <summary>Filters by GPU (vendor:device prefix match), board text (case-insensitive substring of vendor or model) and OS.</summary>
    public static ReportQueryResult Run(IEnumerable<OutcomeReport> reports, string gpu, string? board = null, string? os = null)
    {
        var matching = Rank(Filter(reports, gpu, board, os)).ToList();
        return new ReportQueryResult(matching, Differences(matching));
    }

    /// <summary>The reports whose GPU is <paramref name="gpu"/> or starts with it and a colon, whose board vendor or
    /// model contains <paramref name="board"/> and whose OS is <paramref name="os"/> (case-insensitive, when given).</summary>
    public static IEnumerable<OutcomeReport> Filter(IEnumerable<OutcomeReport> reports, string gpu, string? board = null, string? os = null)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var gpuKey = gpu.Trim().ToLowerInvariant();
        return reports
            .Where(r => r.Hardware.Gpu is { } g && (g == gpuKey || g.StartsWith(gpuKey + ":", StringComparison.Ordinal)))
            .Where(r => board is null || Contains(r.Hardware.BoardVendor, board) || Contains(r.Hardware.BoardModel, board))
            .Where(r => os is null || string.Equals(r.Guest.Os, os, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Best first: <see cref="Score"/>, then the newest, then the lowest id (the order the database sorts in too).</summary>
    public static IEnumerable<OutcomeReport> Rank(IEnumerable<OutcomeReport> reports) =>
        reports.OrderByDescending(Score).ThenByDescending(r => r.RecordedAt).ThenBy(r => r.Id);

    /// <summary>The attempts of a summary as a query result: the best attempts it holds and the differences over all of them.</summary>
    public static ReportQueryResult From(OutcomeSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new ReportQueryResult(summary.Best, Differences(summary.Groups));
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
        ArgumentNullException.ThrowIfNull(reports);
        return Differences(reports.GroupBy(r => (Good: IsGood(r), Features: FeatureKey(r.Guest.Features)))
            .Select(g => new OutcomeGroup(g.Count(), g.Key.Good, false, false, false, false, g.First().Guest.Features)).ToList());
    }

    /// <summary>A feature map as one comparable string (sorted key=value lines).</summary>
    public static string FeatureKey(IReadOnlyDictionary<string, string> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return string.Join('\n', features.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
    }

    /// <summary>The same over counted groups of attempts.</summary>
    public static IReadOnlyList<FeatureDifference> Differences(IReadOnlyList<OutcomeGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var result = new List<FeatureDifference>();
        var keys = groups.SelectMany(g => g.Features.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var values = groups
                .GroupBy(g => g.Features.TryGetValue(key, out var v) ? v : "(unset)", StringComparer.Ordinal)
                .Select(g => new FeatureValueStats(g.Key, g.Sum(x => x.Count), g.Where(x => x.Good).Sum(x => x.Count)))
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
