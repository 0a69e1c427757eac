using Lodge.Core.Hardware;
using Lodge.Linux.Host;

namespace Lodge.Linux.Simulation;

/// <summary>The PCI rules: driver links, driver_override, drivers_probe, new_id/remove_id, reset_method.</summary>
public sealed partial class SimulatedKernel
{
    private readonly HashSet<(string Driver, ushort Vendor, ushort Device)> _dynamicIds = [];

    /// <inheritdoc/>
    public Task UnbindAsync(PciAddress address, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var bdf = HostNames.Address(address);
        return Act(HostAction.Unbind, bdf, $"Unbind {bdf}", timeout, cancellationToken, () =>
        {
            RequireDevice(HostAction.Unbind, address);
            if (DriverOf(address) is not { } driver)
            {
                return;
            }

            // __device_release_driver(): driver_sysfs_remove() takes both links away first (the lab saw no driver
            // link while vfio-pci's remove() waited for the holder, 6.1 scenario 07); then the driver's remove() runs,
            // under the device lock this write holds. remove() waits until the last user closes the device; nvidia's
            // waits for nvidia_drm's in-kernel client (its fbdev) as well, which only unloading nvidia_drm ends. Until
            // it returns the device still counts as the driver's (dev->driver), so its module stays in use.
            File.Delete(Real(DevicePath(address) + "/driver"));
            File.Delete(Real($"{PciDrivers}/{driver}/{bdf}"));
            _releasing[address] = driver;
            try
            {
                while ((_holders.Any(h => h.Address == address) || (driver == "nvidia" && _loaded.Contains("nvidia_drm"))) && !_disposed)
                {
                    Monitor.Wait(_gate);
                }
            }
            finally
            {
                _releasing.Remove(address);
            }
        });
    }

    /// <inheritdoc/>
    public Task BindAsync(PciAddress address, string driver, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var bdf = HostNames.Address(address);
        HostNames.Driver(driver);
        return Act(HostAction.Bind, bdf, $"Bind {bdf} {driver}", timeout, cancellationToken, () =>
        {
            RequireDevice(HostAction.Bind, address);
            if (!DriverLoaded(driver))
            {
                throw Refuse(HostAction.Bind, bdf, $"Cannot bind '{bdf}': driver '{driver}' is not loaded.");
            }

            if (DriverOf(address) is { } current)
            {
                throw Refuse(HostAction.Bind, bdf, $"Cannot bind '{bdf}' to '{driver}': it is bound to '{current}' (EBUSY).");
            }

            if (!Matches(address, driver))
            {
                throw Refuse(HostAction.Bind, bdf, $"Cannot bind '{bdf}' to '{driver}': the driver does not match the device (ENODEV).");
            }

            Link(address, driver);
        });
    }

    /// <inheritdoc/>
    public Task SetDriverOverrideAsync(PciAddress address, string? driver, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var bdf = HostNames.Address(address);
        if (driver is not null)
        {
            HostNames.Driver(driver);
        }

        return Act(HostAction.SetDriverOverride, bdf, $"SetDriverOverride {bdf} {driver ?? "(null)"}", timeout, cancellationToken, () =>
        {
            RequireDevice(HostAction.SetDriverOverride, address);

            // Reading driver_override with none set prints "(null)".
            File.WriteAllText(Real(DevicePath(address) + "/driver_override"), (driver ?? "(null)") + "\n");
        });
    }

    /// <inheritdoc/>
    public Task ProbeDriversAsync(PciAddress address, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var bdf = HostNames.Address(address);
        return Act(HostAction.ProbeDrivers, bdf, $"ProbeDrivers {bdf}", timeout, cancellationToken, () =>
        {
            RequireDevice(HostAction.ProbeDrivers, address);
            Probe(address);
        });
    }

    /// <inheritdoc/>
    public Task NewIdAsync(string driver, ushort vendorId, ushort deviceId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        HostNames.Driver(driver);
        return Act(HostAction.NewId, driver, $"NewId {driver} {vendorId:x4} {deviceId:x4}", timeout, cancellationToken, () =>
        {
            if (!DriverLoaded(driver))
            {
                throw Refuse(HostAction.NewId, driver, $"Cannot add an id to '{driver}': the driver is not loaded.");
            }

            _dynamicIds.Add((driver, vendorId, deviceId));
            foreach (var address in _ids.Keys.Order())
            {
                if (DriverOf(address) is null && Matches(address, driver))
                {
                    Link(address, driver);
                }
            }
        });
    }

    /// <inheritdoc/>
    public Task RemoveIdAsync(string driver, ushort vendorId, ushort deviceId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        HostNames.Driver(driver);
        return Act(HostAction.RemoveId, driver, $"RemoveId {driver} {vendorId:x4} {deviceId:x4}", timeout, cancellationToken, () =>
        {
            if (!_dynamicIds.Remove((driver, vendorId, deviceId)))
            {
                throw Refuse(HostAction.RemoveId, driver, $"Driver '{driver}' has no dynamic id '{vendorId:x4} {deviceId:x4}' (ENODEV).");
            }
        });
    }

    /// <inheritdoc/>
    public Task SetResetMethodAsync(PciAddress address, string methods, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var bdf = HostNames.Address(address);
        HostNames.ResetMethod(methods);
        return Act(HostAction.SetResetMethod, bdf, $"SetResetMethod {bdf} {methods}", timeout, cancellationToken, () =>
        {
            RequireDevice(HostAction.SetResetMethod, address);
            var file = Real(DevicePath(address) + "/reset_method");
            if (!File.Exists(file))
            {
                throw Refuse(HostAction.SetResetMethod, bdf, $"'{bdf}' has no reset_method attribute (kernel older than 5.15).");
            }

            // "default" restores the methods the device had at boot; here, the ones the copy started with.
            var text = methods == "default" ? _defaultResetMethods.GetValueOrDefault(address, string.Empty) : methods;
            _defaultResetMethods.TryAdd(address, File.ReadAllText(file).Trim());
            File.WriteAllText(file, text + "\n");
        });
    }

    private readonly Dictionary<PciAddress, string> _defaultResetMethods = [];

    // Binds an unbound device the way device_attach() does: the override driver only, or else the first matching loaded driver.
    private void Probe(PciAddress address)
    {
        if (DriverOf(address) is not null)
        {
            return;
        }

        var candidate = Candidates(address).FirstOrDefault(d => DriverLoaded(d) && Matches(address, d));
        if (candidate is not null)
        {
            Link(address, candidate);
        }
    }

    private IEnumerable<string> Candidates(PciAddress address)
    {
        if (OverrideOf(address) is { } over)
        {
            yield return over;
            yield break;
        }

        if (_originalDrivers.TryGetValue(address, out var original))
        {
            yield return original;
        }

        if (VendorRule(address) is { } rule)
        {
            yield return rule;
        }

        var (vendor, device, _) = _ids[address];
        foreach (var id in _dynamicIds.Where(i => i.Vendor == vendor && i.Device == device).OrderBy(i => i.Driver, StringComparer.Ordinal))
        {
            yield return id.Driver;
        }
    }

    // pci_bus_match(): with driver_override set only that driver matches; else the id table (here: the boot binding and
    // a vendor rule) or a dynamic id.
    private bool Matches(PciAddress address, string driver)
    {
        if (OverrideOf(address) is { } over)
        {
            return over == driver;
        }

        var (vendor, device, _) = _ids[address];
        return _originalDrivers.GetValueOrDefault(address) == driver
            || VendorRule(address) == driver
            || _dynamicIds.Contains((driver, vendor ?? 0, device ?? 0));
    }

    private string? VendorRule(PciAddress address) => _ids[address] switch
    {
        (0x1002, _, { IsGpu: true }) => "amdgpu",
        (0x10de, _, { IsGpu: true }) => "nvidia",
        (0x8086, _, { IsGpu: true }) => "i915",
        (_, _, { Code: 0x0403 }) => "snd_hda_intel",
        _ => null,
    };

    private void RequireDevice(HostAction action, PciAddress address)
    {
        if (!_ids.ContainsKey(address) || !Directory.Exists(Real($"{PciDevices}/{address}")))
        {
            throw Refuse(action, address.ToString(), $"There is no PCI device '{address}' (ENODEV).");
        }
    }

    // The device's real node, e.g. /sys/devices/pci0000:00/0000:00:03.1/0000:04:00.0/0000:05:00.0/0000:06:00.0.
    // Device nodes never move, so each is resolved once (a fresh HostRoot per call re-lists every parent directory).
    private string DevicePath(PciAddress address)
    {
        if (!_devicePaths.TryGetValue(address, out var path))
        {
            path = new HostRoot(Root).Canonicalize($"{PciDevices}/{address}");
            _devicePaths[address] = path;
        }

        return path;
    }

    private readonly Dictionary<PciAddress, string> _devicePaths = [];

    // Devices whose unbind is inside the driver's remove(): no driver link any more, but still the driver's.
    private readonly Dictionary<PciAddress, string> _releasing = [];

    // The driver a device belongs to in the kernel (dev->driver): its link, or the driver whose remove() still runs.
    private string? BoundDriverOf(PciAddress address) => DriverOf(address) ?? _releasing.GetValueOrDefault(address);

    private string? DriverOf(PciAddress address) =>
        new FileInfo(Real(DevicePath(address) + "/driver")).LinkTarget is { } target ? HostRoot.NameOf(target.TrimEnd('/')) : null;

    private string? OverrideOf(PciAddress address)
    {
        var file = Real(DevicePath(address) + "/driver_override");
        var text = File.Exists(file) ? File.ReadAllText(file).Trim() : null;
        return text is null or "" or "(null)" ? null : text;
    }

    private bool DriverLoaded(string driver) => Directory.Exists(Real($"{PciDrivers}/{driver}"));

    private void Link(PciAddress address, string driver)
    {
        var device = DevicePath(address);
        var driverDir = $"{PciDrivers}/{driver}";
        File.CreateSymbolicLink(Real(device + "/driver"), Path.GetRelativePath(device, driverDir));
        File.CreateSymbolicLink(Real($"{driverDir}/{address}"), Path.GetRelativePath(driverDir, device));
        TakeOverConsoles(address, driver);
    }

    private int BoundCount(string driver) =>
        _ids.Keys.Count(a => DriverOf(a) == driver);
}
