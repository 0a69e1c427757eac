namespace Lodge.Core.Catalog;

/// <summary>A configuration feature whose values separate good attempts from bad, best value first.</summary>
/// <param name="Spread">Best weighted success rate minus worst, 0..1.</param>
public sealed record WeightedFeature(string Feature, double Spread, IReadOnlyList<WeightedFeatureValue> Values);
