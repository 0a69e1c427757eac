using Lodge.Core.Hardware;
using Lodge.Core.Reports;

namespace Lodge.Core.Catalog;

/// <summary>What the catalog is asked about: one GPU of this host and the hardware around it.</summary>
/// <param name="Gpu">vendor:device[:subvendor:subdevice], lower case.</param>
public sealed record CatalogHost(string Gpu, string? BoardVendor, string? BoardModel, string? KernelRelease, string? CpuModel)
{
    /// <summary>The question for <paramref name="gpu"/> of <paramref name="host"/>.</summary>
    public static CatalogHost Of(HostSnapshot host, PciDevice gpu)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(gpu);
        return new CatalogHost(ReportFactory.GpuId(gpu), host.Dmi.BoardVendor, host.Dmi.BoardName, host.Kernel.Release, host.Cpu.ModelName);
    }
}
