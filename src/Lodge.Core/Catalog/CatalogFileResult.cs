using Lodge.Core.Reports;

namespace Lodge.Core.Catalog;

/// <summary>What reading one catalog file gave: its report and id, or the reason it was refused.</summary>
public sealed record CatalogFileResult(string Path, OutcomeReport? Report, string? Id, string? Refusal)
{
    /// <summary>True when the file was accepted.</summary>
    public bool Accepted => Report is not null;
}
