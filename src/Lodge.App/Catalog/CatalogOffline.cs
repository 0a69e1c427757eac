namespace Lodge.App.Catalog;

/// <summary>A catalog that could not be reached: the pull goes on from the local clone as it was.</summary>
/// <param name="Source">The catalog as Lodge's clone names it.</param>
/// <param name="Reason">What git said, one sentence.</param>
public sealed record CatalogOffline(string Source, string Reason);
