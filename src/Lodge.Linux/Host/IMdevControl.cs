using Lodge.Core.Runtime;

namespace Lodge.Linux.Host;

/// <summary>Creates and removes mediated devices (Intel GVT-g slices).</summary>
public interface IMdevControl
{
    /// <summary>True when the device already exists (a guest that restarts keeps its slice).</summary>
    bool Exists(MdevSpec mdev);

    /// <summary>Creates the device under its parent.</summary>
    Task CreateAsync(MdevSpec mdev, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Removes the device.</summary>
    Task RemoveAsync(MdevSpec mdev, TimeSpan timeout, CancellationToken cancellationToken = default);
}
