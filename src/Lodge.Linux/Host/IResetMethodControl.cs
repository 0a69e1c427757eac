using Lodge.Core.Hardware;

namespace Lodge.Linux.Host;

/// <summary>Writes a PCI device's <c>reset_method</c> (kernel ≥ 5.15), e.g. <c>device_specific</c> for vendor-reset.</summary>
public interface IResetMethodControl
{
    /// <summary>Writes <paramref name="methods"/> (space-separated: flr, bus, pm, af_flr, acpi, device_specific, cxl_bus; or <c>default</c>).</summary>
    Task SetResetMethodAsync(PciAddress address, string methods, TimeSpan timeout, CancellationToken cancellationToken = default);
}
