namespace Lodge.Core.Catalog;

/// <summary>A catalog file that was not imported, and why (one sentence).</summary>
public sealed record CatalogRefusal(string Path, string Reason);
