namespace Lodge.Core.Reports;

/// <summary>A feature whose values had different success rates, e.g. reset-method: device_specific 3/3, bus 0/2.</summary>
/// <param name="Spread">Best success rate minus worst, 0..1.</param>
public sealed record FeatureDifference(string Feature, double Spread, IReadOnlyList<FeatureValueStats> Values);
