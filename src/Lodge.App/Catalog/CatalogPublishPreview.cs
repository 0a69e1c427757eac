namespace Lodge.App.Catalog;

/// <summary>Exactly what a publish would send, before the user says yes: the catalog and the privacy-filtered files.</summary>
/// <param name="Source">The catalog the files go to, as named.</param>
/// <param name="Files">The files, one per report; empty when there is nothing to publish.</param>
public sealed record CatalogPublishPreview(string Source, IReadOnlyList<CatalogPublishFile> Files);
