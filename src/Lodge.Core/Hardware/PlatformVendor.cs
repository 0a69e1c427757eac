namespace Lodge.Core.Hardware;

/// <summary>Whose platform the host is, which decides <c>intel_iommu</c> against <c>amd_iommu</c>, <c>kvm_intel</c> against <c>kvm_amd</c>.</summary>
public enum PlatformVendor
{
    Unknown,
    Intel,
    Amd,
}

/// <summary>Finds the platform vendor from the CPU, or from the hardware when <c>/proc/cpuinfo</c> is missing.</summary>
/// <remarks>
/// In order: the CPU's vendor_id; an AMD IOMMU function (vendor 1022, class 0x0806) or the IVRS table (AMD-Vi); the
/// DMAR table (Intel VT-d); the vendor of the host bridges on bus 0. A snapshot or a partial tree thus never gets
/// Intel advice on an AMD board.
/// </remarks>
public static class PlatformVendors
{
    private const ushort Amd = 0x1022;
    private const ushort Intel = 0x8086;

    /// <summary>The platform vendor of <paramref name="host"/>.</summary>
    public static PlatformVendor Of(HostSnapshot host)
    {
        if (host.Cpu.IsAmd)
        {
            return PlatformVendor.Amd;
        }

        if (host.Cpu.IsIntel)
        {
            return PlatformVendor.Intel;
        }

        if (host.PciDevices.Any(d => d.VendorId == Amd && d.Class is { Code: 0x0806 }) || host.Platform.HasAcpiTable("IVRS") == true)
        {
            return PlatformVendor.Amd;
        }

        if (host.Platform.HasAcpiTable("DMAR") == true)
        {
            return PlatformVendor.Intel;
        }

        // The host bridges on bus 0 (00:00.0 on Intel; on AMD also 00:01.0, 00:08.0 and the data fabric at 00:18.x, since
        // 00:00.0 is in no IOMMU group and dumps of the groups lack it).
        var hostBridge = host.PciDevices.FirstOrDefault(d => d.Address.Bus == 0 && d.Class is { IsHostBridge: true } && d.VendorId is Amd or Intel);
        return hostBridge?.VendorId switch
        {
            Amd => PlatformVendor.Amd,
            Intel => PlatformVendor.Intel,
            _ => PlatformVendor.Unknown,
        };
    }
}
