namespace Lodge.App.Catalog;

/// <summary>What <c>lodge report site</c> wrote.</summary>
/// <param name="Reports">How many reports the site shows.</param>
/// <param name="Pages">How many HTML pages it wrote.</param>
public sealed record CatalogSiteResult(int Reports, int Pages);
