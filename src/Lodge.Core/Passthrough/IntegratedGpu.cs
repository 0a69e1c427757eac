using Lodge.Core.Hardware;

namespace Lodge.Core.Passthrough;

/// <summary>Tells integrated GPUs (Intel iGPUs, AMD APU graphics) from discrete ones.</summary>
/// <remarks>Passing a whole iGPU is a niche with its own rules (Intel: legacy mode and the OpROM; AMD: the VFCT vBIOS), so
/// Lodge never picks one on its own; GVT-g shares an Intel iGPU instead.</remarks>
public static class IntegratedGpu
{
    /// <summary>True for an Intel iGPU or the graphics of an AMD APU.</summary>
    public static bool Is(PciDevice device) => IntelGraphics.Of(device) != IntelIgpuGeneration.None || AmdApu.Is(device);
}
