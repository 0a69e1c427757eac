using Lodge.Linux.Catalog;

namespace Lodge.App.Catalog;

/// <summary>What a publish did.</summary>
/// <param name="Source">The catalog, as named.</param>
/// <param name="Result">What was committed and whether the push was accepted (else how to offer the branch).</param>
/// <param name="DefaultBranch">The catalog's default branch (where a merge request goes).</param>
public sealed record CatalogPublishOutcome(string Source, CatalogPublishResult Result, string DefaultBranch);
