using Lodge.Core.Catalog;

namespace Lodge.Core.Reports;

/// <summary>The answer to "what was tried on this GPU?" without every report: the best few attempts and the rest
/// counted in <see cref="OutcomeGroup"/>s. <see cref="ReportQuery"/>, <see cref="CatalogKnowledge"/> and the doctor
/// work from it, so that a GPU with tens of thousands of catalog reports costs a handful of rows.</summary>
/// <param name="Best">The best attempts first (<see cref="ReportQuery.Score"/>, then newest, then id), at most as many as asked for.</param>
/// <param name="Groups">Every matching attempt, counted by outcome, closeness and features.</param>
public sealed record OutcomeSummary(IReadOnlyList<OutcomeReport> Best, IReadOnlyList<OutcomeGroup> Groups)
{
    /// <summary>How many attempts match.</summary>
    public int Attempts => Groups.Sum(g => g.Count);

    /// <summary>How many of them were good.</summary>
    public int Good => Groups.Where(g => g.Good).Sum(g => g.Count);

    /// <summary>The same summary computed in memory from <paramref name="reports"/> (what the database computes in SQL):
    /// reports whose GPU is <paramref name="gpu"/> or starts with it and a colon, whose board vendor or model contains
    /// <paramref name="board"/> and whose OS is <paramref name="os"/> (both case-insensitive, when given).</summary>
    /// <param name="closeTo">The host the closeness flags are measured against; null sets them all false.</param>
    public static OutcomeSummary Of(IEnumerable<OutcomeReport> reports, string gpu, CatalogHost? closeTo = null, string? board = null, string? os = null, int best = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(gpu);
        var matching = ReportQuery.Filter(reports, gpu, board, os).ToList();
        var series = CatalogKnowledge.KernelSeries(closeTo?.KernelRelease);
        var groups = matching
            .GroupBy(r => (
                Good: CatalogIndex.IsGood(r),
                Board: closeTo is not null && CatalogKnowledge.SameBoard(closeTo, r),
                Kernel: series is not null && CatalogKnowledge.KernelSeries(r.Versions.Kernel) == series,
                Card: closeTo is not null && closeTo.Gpu.Length > 9 && string.Equals(r.Hardware.Gpu, closeTo.Gpu, StringComparison.Ordinal),
                Cpu: closeTo?.CpuModel is not null && string.Equals(r.Hardware.CpuModel, closeTo.CpuModel, StringComparison.Ordinal),
                Features: ReportQuery.FeatureKey(r.Guest.Features)))
            .Select(g => new OutcomeGroup(g.Count(), g.Key.Good, g.Key.Board, g.Key.Kernel, g.Key.Card, g.Key.Cpu, g.First().Guest.Features))
            .ToList();
        return new OutcomeSummary(ReportQuery.Rank(matching).Take(best).ToList(), groups);
    }
}
