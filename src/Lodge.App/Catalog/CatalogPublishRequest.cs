namespace Lodge.App.Catalog;

/// <summary>What <c>lodge report publish</c> asks for.</summary>
/// <param name="Ids">The reports to publish; empty: every local report (not the ones pulled from elsewhere).</param>
/// <param name="Catalog"><c>--catalog</c> (a folder or a git URL); null: <c>[catalog] url</c> in lodge.toml.</param>
public sealed record CatalogPublishRequest(IReadOnlyList<long> Ids, string? Catalog);
