using Lodge.Core.Hardware;

namespace Lodge.Core.Handoff;

/// <summary>Which modules to unload, and in which order, so that each <c>modprobe -r</c> finds its module loaded.</summary>
public static partial class HandoffPlanner
{
    // The NVIDIA stack unloads top down (DOMAIN.md); nvidia_drm uses nvidia_modeset, which uses nvidia, as does nvidia_uvm.
    private static readonly string[] NvidiaStack = ["nvidia_drm", "nvidia_modeset", "nvidia_uvm", "nvidia"];

    /// <summary>The NVIDIA stack's names, top down, as /proc/modules prints them.</summary>
    public static IReadOnlyList<string> NvidiaModules => NvidiaStack;

    /// <summary>The modules that bring <paramref name="driver"/> (a PCI driver name) with them: the NVIDIA stack for nvidia.</summary>
    /// <param name="driver">The PCI driver.</param>
    /// <param name="modules">Driver to module (<see cref="KernelInfo.DriverModules"/>); a driver not in it is taken to be
    /// named after its module.</param>
    public static IReadOnlyList<string> ModulesOf(string driver, IReadOnlyDictionary<string, string>? modules = null)
    {
        ArgumentNullException.ThrowIfNull(driver);
        var module = modules is not null && modules.TryGetValue(driver, out var m) ? m : driver.Replace('-', '_');
        return module == "nvidia" ? NvidiaStack : [module];
    }

    // Early: the NVIDIA stack, unloaded before any unbind. Late: other drivers' modules, unloaded after their devices are unbound.
    // Unbound: the endpoints whose driver goes away with an early unload (the kernel unbinds them as the module leaves).
    private static (List<string> Early, List<string> Late, HashSet<PciAddress> Unbound) ModulesToUnload(HostSnapshot host, HandoffRequest request, IReadOnlyList<PciAddress> endpoints, IReadOnlyDictionary<PciAddress, string?> originals, List<string> warnings, List<string> refusals)
    {
        var all = ModulesToUnload(host, request, endpoints, originals, warnings, out var nvidia, out var removed);
        var early = all.Where(nvidia.Contains).ToList();
        var late = all.Where(m => !nvidia.Contains(m)).ToList();
        var drmStays = host.Kernel.IsModuleLoaded("nvidia_drm") == true && !removed.Contains("nvidia_drm");
        if (drmStays && originals.Values.Contains("nvidia"))
        {
            refusals.Add($"Cannot hand off '{request.Gpu}': nvidia_drm stays loaded (another card or module uses the NVIDIA stack), and an unbind from nvidia while nvidia_drm is loaded never returns.");
        }

        return (early, late, removed.Contains("nvidia") ? [.. endpoints.Where(a => originals[a] == "nvidia")] : []);
    }

    private static List<string> ModulesToUnload(HostSnapshot host, HandoffRequest request, IReadOnlyList<PciAddress> endpoints, IReadOnlyDictionary<PciAddress, string?> originals, List<string> warnings, out HashSet<string> nvidia, out HashSet<string> removed)
    {
        nvidia = new HashSet<string>(StringComparer.Ordinal);
        removed = new HashSet<string>(StringComparer.Ordinal);
        if (host.Kernel.Modules is not { } listed)
        {
            if (originals.Values.Any(d => d is not null))
            {
                warnings.Add("The loaded modules are unknown (/proc/modules unreadable), so no driver module is unloaded.");
            }

            return [];
        }

        var loaded = listed.ToDictionary(m => m.Name, m => m, StringComparer.Ordinal);
        var gone = removed;
        var order = new List<string>();
        foreach (var driver in originals.Values.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var module = host.Kernel.ModuleOf(driver);
            var stack = module == "nvidia" ? NvidiaStack : [module];
            var users = host.PciDevices.Where(d => d.Driver == driver && !endpoints.Contains(d.Address)).Select(d => d.Address).ToList();
            if (users.Count > 0)
            {
                // snd_hda_intel usually serves the board's own audio as well: unbinding the HDMI function is enough.
                continue;
            }

            if (module == "amdgpu" && !request.UnloadAmdgpu)
            {
                // driver_override alone keeps the card on vfio-pci; unloading amdgpu only adds a failure (and a reload) of its own.
                continue;
            }

            if (!loaded.ContainsKey(module))
            {
                warnings.Add($"Driver '{driver}' is built into the kernel, so it is unbound but not unloaded.");
                continue;
            }

            foreach (var name in stack.Where(n => loaded.ContainsKey(n) && !gone.Contains(n)))
            {
                var blockers = loaded[name].UsedBy.Where(u => !gone.Contains(u) && !stack.Contains(u)).ToList();
                if (blockers.Count > 0)
                {
                    warnings.Add($"Module '{name}' is also used by '{string.Join("', '", blockers)}', so it stays loaded.");
                    break;
                }

                order.Add(name);
                if (stack == NvidiaStack)
                {
                    nvidia.Add(name);
                }

                // 'modprobe -r' removes the named module; a dependency goes only when kmod meets it unused in its one
                // pass (the lab saw vfio stay after 'modprobe -r vfio_pci'), so each module of a stack is unloaded by
                // name, and an unload of one that is gone already does nothing.
                gone.Add(name);
            }
        }

        return order;
    }
}
