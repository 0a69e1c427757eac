using Lodge.Core.Hardware;

namespace Lodge.Core.Passthrough;

/// <summary>Whether a device is built into the board (the CPU or the chipset) or could be a card in a slot.</summary>
/// <remarks>
/// Only a card can move to another slot. A device is onboard when it is an endpoint on bus 0 (integrated in the root
/// complex: Intel's iGPU, USB, audio and SMBus, AMD's CPU-side functions), when its slot also holds a function the host
/// needs (an LPC bridge, SMBus or SATA controller: a chipset), or when it is an AMD platform function (vendor 1022; AMD's
/// add-in cards are vendor 1002). Anything else may be a card or a chip soldered behind a bridge: unknown.
/// </remarks>
public static class DevicePlacement
{
    private const ushort AmdPlatform = 0x1022;

    /// <summary>True when the device is built into the board, false when it is a card, null when the tree cannot tell.</summary>
    public static bool? IsOnboard(HostSnapshot host, PciDevice device)
    {
        if (device.Address.Bus == 0 && device.Class is not ({ IsPciBridge: true } or { IsHostBridge: true }))
        {
            return true;
        }

        if (device.VendorId == AmdPlatform)
        {
            return true;
        }

        if (host.PciDevices.Any(d => d.Address != device.Address && d.Address.IsSameSlot(device.Address) && IommuAnalyzer.IsHostCritical(d.Class)))
        {
            return true;
        }

        // A GPU of class 0x03 off bus 0 is a card (or a laptop's discrete GPU, soldered where a card would sit).
        return device.Class is { IsGpu: true } && host.Platform.IsLaptop != true ? false : null;
    }
}
