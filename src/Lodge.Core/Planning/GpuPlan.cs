using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Core.Planning;

/// <summary>The GPU the guest gets: a passed-through card with its companion functions, or an emulated one.</summary>
/// <param name="Functions">The GPU first, then its companions (HDMI audio, USB-C), all by address on this host.</param>
/// <param name="RomFile">A ROM file for the guest, or null to use the card's own.</param>
/// <param name="Mdev">For gvt-g: the mediated device the guest gets instead of a whole card.</param>
/// <param name="RomBar">False when <c>rom = "none"</c> hides the ROM BAR.</param>
public sealed record GpuPlan(GpuMode Mode, PciDevice? Device, IReadOnlyList<PciAddress> Functions, string? RomFile, bool RomBar, Runtime.MdevSpec? Mdev = null)
{
    /// <summary>True when a physical GPU goes to the guest.</summary>
    public bool IsPassthrough => Device is not null;

    /// <summary>True for an NVIDIA card.</summary>
    public bool IsNvidia => Device?.VendorId == 0x10de;
}
