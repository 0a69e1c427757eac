using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Core.Handoff;

/// <summary>What the planner needs besides the snapshot: the GPU, the mode, and facts only the shell can see.</summary>
/// <param name="Guest">The guest's name (the machine), for messages and the journal.</param>
/// <param name="Mode"><see cref="GpuMode.Handoff"/> or <see cref="GpuMode.Dedicated"/>.</param>
/// <param name="Holders">Processes that hold device nodes of the GPU's functions now.</param>
/// <param name="DisplayManagerActive">Whether display-manager.service runs; null when unknown (then the snapshot's enabled unit decides).</param>
public sealed record HandoffRequest(string Guest, PciAddress Gpu, GpuMode Mode, IReadOnlyList<DeviceHolder> Holders, bool? DisplayManagerActive)
{
    /// <summary>Per-kind timeouts.</summary>
    public HandoffTimeouts Timeouts { get; init; } = new();

    /// <summary>Whether <c>nvidia-persistenced.service</c> runs (it keeps the nvidia module in use); null when unknown.</summary>
    public bool? NvidiaPersistencedActive { get; init; }

    /// <summary>True when the user asked to unload amdgpu too; it is unloaded only when no other card uses it.</summary>
    /// <remarks>driver_override alone keeps the card on vfio-pci; unloading and reloading amdgpu adds two failures of its own.</remarks>
    public bool UnloadAmdgpu { get; init; }
}
