using System.Globalization;
using System.Text;
using Lodge.Core.Hardware;
using Lodge.Linux.Host;

namespace Lodge.Linux.Simulation;

/// <summary>Modules: load with dependencies and auto-probe, refuse to unload while in use, keep /proc/modules current.</summary>
public sealed partial class SimulatedKernel
{
    private const string IommuBackend = "vfio_iommu_type1";
    private readonly Dictionary<string, SimulatedModule> _catalog = SimulatedModule.Known.ToDictionary(m => m.Name, StringComparer.Ordinal);
    private readonly SortedSet<string> _loaded = new(StringComparer.Ordinal);
    private readonly HashSet<string> _builtinDrivers = new(StringComparer.Ordinal);
    private int _vfioContainers;

    /// <summary>Names of the loaded modules, sorted.</summary>
    public IReadOnlyList<string> LoadedModules
    {
        get
        {
            lock (_gate)
            {
                return [.. _loaded];
            }
        }
    }

    /// <summary>Adds (or replaces) a module the kernel can load, e.g. an out-of-tree one.</summary>
    public SimulatedKernel WithModule(SimulatedModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        lock (_gate)
        {
            _catalog[HostNames.Module(module.Name)] = module;
        }

        return this;
    }

    /// <summary>Loads a module as if at boot, with no fault injection and no auto-probe log line.</summary>
    public SimulatedKernel WithLoadedModule(string module)
    {
        lock (_gate)
        {
            Load(HostNames.Module(module));
            WriteProcModules();
        }

        return this;
    }

    /// <summary>The module's reference count as /proc/modules prints it.</summary>
    public int RefCount(string module)
    {
        lock (_gate)
        {
            return RefCountOf(HostNames.Module(module));
        }
    }

    /// <inheritdoc/>
    public Task LoadModuleAsync(string module, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var name = HostNames.Module(module);
        return Act(HostAction.LoadModule, name, $"LoadModule {name}", timeout, cancellationToken, () =>
        {
            if (!_catalog.ContainsKey(name))
            {
                throw Refuse(HostAction.LoadModule, name, $"modprobe: FATAL: Module {name} not found.");
            }

            Load(name);
        });
    }

    /// <inheritdoc/>
    public Task UnloadModuleAsync(string module, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var name = HostNames.Module(module);
        return Act(HostAction.UnloadModule, name, $"UnloadModule {name}", timeout, cancellationToken, () =>
        {
            if (!_loaded.Contains(name))
            {
                throw _builtinDrivers.Contains(name)
                    ? Refuse(HostAction.UnloadModule, name, $"modprobe: FATAL: Module {name} is builtin.")
                    : Refuse(HostAction.UnloadModule, name, $"modprobe: FATAL: Module {name} is not in kernel.");
            }

            if (IsLockedByOther(ModuleLock(name)))
            {
                // delete_module on a module whose init or exit still runs: EBUSY at once.
                throw Refuse(HostAction.UnloadModule, name, $"modprobe: FATAL: Module {name} is in use (it is still being loaded or unloaded).");
            }

            if (RefCountOf(name) > 0)
            {
                throw Refuse(HostAction.UnloadModule, name, $"modprobe: FATAL: Module {name} is in use.");
            }

            Unload(name);
        });
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>?> DependenciesAsync(string module, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var name = HostNames.Module(module);
        lock (_gate)
        {
            if (!_catalog.ContainsKey(name))
            {
                return Task.FromResult<IReadOnlyList<string>?>(null);
            }

            // What modprobe --show-depends lists: the dependencies, depth first, and the soft dependencies.
            var found = new List<string>();
            void Walk(string m)
            {
                foreach (var d in _catalog[m].DependsOn.Concat(_catalog[m].LoadsAfter).Where(d => _catalog.ContainsKey(d) && d != name && !found.Contains(d)))
                {
                    found.Add(d);
                    Walk(d);
                }
            }

            Walk(name);
            return Task.FromResult<IReadOnlyList<string>?>(found);
        }
    }

    /// <summary>A QEMU opens a VFIO container (VFIO_SET_IOMMU): like the real kernel, vfio loads its IOMMU backend
    /// (vfio_iommu_type1) on demand when it is not loaded, and the open container keeps it in use. Seen in the lab:
    /// after the guest, 'modprobe -r vfio_pci' alone then leaves vfio_iommu_type1 (and, as every unload here, the
    /// dependencies of vfio_pci).</summary>
    public void OpenVfioContainer()
    {
        lock (_gate)
        {
            if (_catalog.ContainsKey(IommuBackend))
            {
                Load(IommuBackend);
                WriteProcModules();
            }

            _vfioContainers++;
        }
    }

    /// <summary>The QEMU that opened a container exits.</summary>
    public void CloseVfioContainer()
    {
        lock (_gate)
        {
            _vfioContainers = Math.Max(0, _vfioContainers - 1);
        }
    }

    private void BootModules(HostSnapshot snapshot)
    {
        var driverDirs = Directory.Exists(Real(PciDrivers))
            ? Directory.GetDirectories(Real(PciDrivers)).Select(Path.GetFileName).OfType<string>().ToList()
            : [];
        foreach (var driver in driverDirs)
        {
            if (!_catalog.Values.Any(m => m.Drivers.Contains(driver)))
            {
                // A captured tree's module link names the module; without one, the module is named after the driver.
                var name = new FileInfo(Real($"{PciDrivers}/{driver}/module")).LinkTarget is { } target ? HostRoot.NameOf(target) : driver.Replace('-', '_');
                _catalog[name] = _catalog.TryGetValue(name, out var known) ? known with { Drivers = [.. known.Drivers, driver] } : new SimulatedModule(name, [driver], []);
            }

            LinkModule(driver);
        }

        if (snapshot.Kernel.Modules is { } listed)
        {
            // A driver whose module /proc/modules does not list is built into the kernel.
            foreach (var m in listed)
            {
                _catalog.TryAdd(m.Name, new SimulatedModule(m.Name, [], []));
                Load(m.Name);
            }

            foreach (var driver in driverDirs.Where(d => !_loaded.Any(m => _catalog[m].Drivers.Contains(d))))
            {
                _builtinDrivers.Add(ModuleOfDriver(driver));
            }
        }
        else
        {
            foreach (var driver in driverDirs)
            {
                Load(_catalog.Values.First(m => m.Drivers.Contains(driver)).Name);
            }
        }

        WriteProcModules();
    }

    private void Load(string name)
    {
        if (_loaded.Contains(name))
        {
            return;
        }

        var module = _catalog[name];
        foreach (var dependency in module.DependsOn)
        {
            Load(dependency);
        }

        _loaded.Add(name);
        foreach (var soft in module.LoadsAfter.Where(_catalog.ContainsKey))
        {
            Load(soft);
        }

        foreach (var driver in module.Drivers)
        {
            var dir = Real($"{PciDrivers}/{driver}");
            Directory.CreateDirectory(dir);
            LinkModule(driver);
            foreach (var file in new[] { "bind", "unbind", "new_id", "remove_id", "uevent" })
            {
                var path = Path.Combine(dir, file);
                if (!File.Exists(path))
                {
                    File.WriteAllText(path, string.Empty);
                }
            }

            // driver_register() → driver_attach(): the new driver probes every unbound device it matches.
            foreach (var address in _ids.Keys.Order())
            {
                // __driver_attach() takes the lock of every device the driver matches, bound or not.
                while (Matches(address, driver) && IsLockedByOther(address) && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (!_disposed && DriverOf(address) is null && Matches(address, driver))
                {
                    Link(address, driver);
                }
            }
        }
    }

    private string ModuleOfDriver(string driver) => _catalog.Values.FirstOrDefault(m => m.Drivers.Contains(driver))?.Name ?? driver.Replace('-', '_');

    // /sys/bus/pci/drivers/bochs-drm/module -> ../../../../module/bochs, as the kernel links a driver to its module (the
    // target folder is not made: /sys/module/NAME would read as a loaded or built-in module).
    private void LinkModule(string driver)
    {
        var link = Real($"{PciDrivers}/{driver}/module");
        if (new FileInfo(link).LinkTarget is null && !File.Exists(link))
        {
            File.CreateSymbolicLink(link, $"../../../../module/{ModuleOfDriver(driver)}");
        }
    }

    private void Unload(string name)
    {
        var module = _catalog[name];
        _loaded.Remove(name);
        foreach (var driver in module.Drivers)
        {
            // driver_unregister(): the driver lets go of every device it still has.
            foreach (var address in _ids.Keys.Where(a => DriverOf(a) == driver).ToList())
            {
                File.Delete(Real(DevicePath(address) + "/driver"));
            }

            Directory.Delete(Real($"{PciDrivers}/{driver}"), recursive: true);
        }

        // Only the named module goes: real kmod removes a dependency only when it meets it unused in one pass over
        // modules.dep, and the lab (6.1) saw 'modprobe -r vfio_pci' leave vfio, irqbypass and vfio_virqfd loaded. The
        // simulator takes the strict side, so that Lodge must unload by name what it wants gone.
    }

    // Bound devices, processes holding those devices, and loaded modules that depend on this one.
    private int RefCountOf(string name)
    {
        if (!_loaded.Contains(name))
        {
            return 0;
        }

        var module = _catalog[name];
        var bound = _ids.Keys.Where(a => BoundDriverOf(a) is { } d && module.Drivers.Contains(d)).ToList();
        var services = name == "nvidia" && _activeServices.Contains(NvidiaPersistenced) ? 1 : 0;
        var containers = name == IommuBackend ? _vfioContainers : 0;
        return (module.BoundDevicesPin ? bound.Count : 0) + _holders.Count(h => bound.Contains(h.Address)) + DependentsOf(name).Count + services + containers;
    }

    private List<string> DependentsOf(string name) =>
        _loaded.Where(m => _catalog[m].DependsOn.Contains(name)).ToList();

    // "nvidia 14299136 2 nvidia_modeset,nvidia_uvm, Live 0x0000000000000000"
    private void WriteProcModules()
    {
        if (_disposed)
        {
            return;
        }

        var text = new StringBuilder();
        foreach (var name in _loaded)
        {
            var dependents = DependentsOf(name);
            var usedBy = dependents.Count == 0 ? "-" : string.Join(',', dependents) + ",";
            text.Append(CultureInfo.InvariantCulture, $"{name} 16384 {RefCountOf(name)} {usedBy} Live 0x0000000000000000\n");
        }

        Directory.CreateDirectory(Real("/proc"));
        File.WriteAllText(Real("/proc/modules"), text.ToString());
    }
}
