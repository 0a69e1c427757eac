using Lodge.Core.Catalog;

namespace Lodge.Linux.Catalog;

/// <summary>What a pull did: files examined (only those changed since the last pull), reports new here, reports
/// already here, files refused with their reasons, and whether the catalog was reached.</summary>
/// <param name="Commit">The catalog commit now imported; null for an empty catalog.</param>
/// <param name="Offline">Why the catalog could not be reached (the local clone was used), or null.</param>
/// <param name="Incremental">True when only the files changed since the last pulled commit were read.</param>
public sealed record CatalogPullResult(string Source, string? Commit, int Examined, int New, int Present, IReadOnlyList<CatalogRefusal> Refused, string? Offline, bool Incremental);
