namespace Lodge.Core.Reports;

/// <summary>Attempts that share everything counting, ranking and feature differences look at: whether they were good,
/// how close their hardware is to the host asked about, and their configuration features. The database answers a
/// question with these groups (counted in SQL) instead of every report.</summary>
/// <param name="Count">How many attempts.</param>
/// <param name="Good">They worked and their reporter did not rate them bad.</param>
/// <param name="SameBoard">Same board vendor and model as the host (case-insensitive).</param>
/// <param name="SameKernelSeries">Same kernel major.minor as the host.</param>
/// <param name="SameCard">Same GPU card (vendor:device:subvendor:subdevice) as the host.</param>
/// <param name="SameCpu">Same CPU model as the host.</param>
/// <param name="Features">The configuration features they share.</param>
public sealed record OutcomeGroup(int Count, bool Good, bool SameBoard, bool SameKernelSeries, bool SameCard, bool SameCpu, IReadOnlyDictionary<string, string> Features)
{
    /// <summary>How close the reporters' hardware is to the host: 1, plus 2 for the same board, 1 for the same kernel
    /// series, 1 for the same card, 0.5 for the same CPU model (see <see cref="Catalog.CatalogKnowledge.Closeness"/>).</summary>
    public double Weight => 1 + (SameBoard ? 2 : 0) + (SameKernelSeries ? 1 : 0) + (SameCard ? 1 : 0) + (SameCpu ? 0.5 : 0);
}
