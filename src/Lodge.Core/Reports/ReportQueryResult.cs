namespace Lodge.Core.Reports;

/// <summary>The reports that match a query, best first, and the features that made the difference.</summary>
public sealed record ReportQueryResult(IReadOnlyList<OutcomeReport> Reports, IReadOnlyList<FeatureDifference> Differences);
