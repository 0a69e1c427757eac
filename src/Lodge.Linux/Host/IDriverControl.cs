using Lodge.Core.Hardware;

namespace Lodge.Linux.Host;

/// <summary>The PCI driver writes of Documentation/ABI/testing/sysfs-bus-pci, and nothing else.</summary>
/// <remarks>
/// Every call takes a timeout and runs on a thread of its own (<see cref="HostWrite"/>); a failure throws
/// <see cref="HostWriteException"/>, a timeout <see cref="HostWriteTimeoutException"/>. Production is
/// <see cref="SysfsDriverControl"/>; tests use <c>Lodge.Linux.Simulation.SimulatedKernel</c>.
/// </remarks>
public interface IDriverControl
{
    /// <summary>Unbinds the device from its driver; does nothing when it has none. Blocks in the kernel while a process holds the device.</summary>
    Task UnbindAsync(PciAddress address, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Binds an unbound device to <paramref name="driver"/> (which must match it: by id, new_id or driver_override).</summary>
    Task BindAsync(PciAddress address, string driver, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Sets <c>driver_override</c> to <paramref name="driver"/>, or clears it when null.</summary>
    Task SetDriverOverrideAsync(PciAddress address, string? driver, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Writes the address to <c>drivers_probe</c>: the override driver, or else a matching driver, binds an unbound device.</summary>
    Task ProbeDriversAsync(PciAddress address, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Adds a vendor:device match to <paramref name="driver"/> (it then binds every unbound such device).</summary>
    Task NewIdAsync(string driver, ushort vendorId, ushort deviceId, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Removes a vendor:device match added by <see cref="NewIdAsync"/>.</summary>
    Task RemoveIdAsync(string driver, ushort vendorId, ushort deviceId, TimeSpan timeout, CancellationToken cancellationToken = default);
}
