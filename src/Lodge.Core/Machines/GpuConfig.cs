namespace Lodge.Core.Machines;

/// <summary><c>[gpu]</c>.</summary>
/// <param name="Device"><c>auto</c>, <c>vendor:device[:subvendor:subdevice]</c>, or a PCI address; see <see cref="DeviceMatcher"/>.</param>
/// <param name="Rom"><c>auto</c>, <c>none</c> or a path to a ROM file.</param>
public sealed record GpuConfig(string Device = "auto", GpuMode Mode = GpuMode.Dedicated, string Rom = "auto")
{
    /// <summary><c>unload_amdgpu = true</c>: the handoff also unloads amdgpu (when no other card uses it) and loads it
    /// back after. Off by default: driver_override alone keeps the card on vfio-pci, and an unload and reload are two
    /// more ways for the handoff to fail.</summary>
    public bool UnloadAmdgpu { get; init; }
}
