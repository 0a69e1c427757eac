using Lodge.Core.Catalog;

namespace Lodge.App.Catalog;

/// <summary>One report as it would leave the machine.</summary>
/// <param name="ReportId">The local database id.</param>
/// <param name="Entry">The privacy-filtered file: its catalog id, its path in the catalog and its exact text.</param>
public sealed record CatalogPublishFile(long ReportId, CatalogEntry Entry);
