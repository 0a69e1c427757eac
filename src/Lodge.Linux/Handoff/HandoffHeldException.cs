using Lodge.Core;
using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary>The pre-flight check found processes that hold the GPU or its functions; nothing was changed.</summary>
public sealed class HandoffHeldException(IReadOnlyList<DeviceHolder> holders)
    : LodgeException($"Cannot hand off the GPU: {string.Join("; ", holders)}.")
{
    /// <summary>Who holds what.</summary>
    public IReadOnlyList<DeviceHolder> Holders { get; } = holders;
}
