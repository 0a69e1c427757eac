namespace Lodge.Core.Catalog;

/// <summary>One value of a feature: attempts with it, how many worked, and the success rate weighted by how close each
/// reporter's hardware is to this host.</summary>
public sealed record WeightedFeatureValue(string Value, int Attempts, int Worked, double WeightedRate);
