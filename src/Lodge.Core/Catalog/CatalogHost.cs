namespace Lodge.Core.Catalog;

/// <summary>What the catalog is asked about: one GPU of this host and the hardware around it.</summary>
/// <param name="Gpu">vendor:device[:subvendor:subdevice], lower case.</param>
public sealed record CatalogHost(string Gpu, string? BoardVendor, string? BoardModel, string? KernelRelease, string? CpuModel);
