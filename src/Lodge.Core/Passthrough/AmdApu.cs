using Lodge.Core.Hardware;

namespace Lodge.Core.Passthrough;

/// <summary>Tells an AMD integrated GPU (an APU's graphics) from a Radeon card.</summary>
/// <remarks>
/// Device ids from the kernel's amdgpu_drv.c and the PCI ids database: Kaveri/Kabini (0x13xx), Carrizo/Stoney (0x98xx),
/// Raven, Picasso, Renoir, Cezanne, Barcelo, Rembrandt, Mendocino, Phoenix, Raphael and Strix (0x15xx, 0x16xx, 0x13c0,
/// 0x150e, 0x1900-0x19ff). Radeon cards use 0x66xx-0x7fxx.
/// </remarks>
public static class AmdApu
{
    private const ushort AtiVendor = 0x1002;

    /// <summary>True when the device is the graphics of an AMD APU.</summary>
    public static bool Is(PciDevice device) =>
        device.VendorId == AtiVendor && device.Class is { IsGpu: true } && device.DeviceId is { } id &&
        (id is >= 0x1300 and <= 0x131f || id is >= 0x9870 and <= 0x98ef || id is >= 0x1500 and <= 0x16ff || id is >= 0x1900 and <= 0x19ff || id == 0x13c0);
}
