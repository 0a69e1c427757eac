using Lodge.Core.Catalog;

namespace Lodge.App.Reports;

/// <summary>What the known attempts (local and pulled) say about one GPU of this host.</summary>
/// <param name="Address">The GPU's PCI address (<c>0000:06:00.0</c>).</param>
/// <param name="Knowledge">Good/bad on this GPU, this board and this kernel series, and the features weighted by closeness.</param>
public sealed record HostGpuKnowledge(string Address, CatalogKnowledge Knowledge);
