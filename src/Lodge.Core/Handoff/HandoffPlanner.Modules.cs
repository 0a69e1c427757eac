using Lodge.Core.Hardware;

namespace Lodge.Core.Handoff;

/// <summary>Which modules to unload, and in which order, so that each <c>modprobe -r</c> finds its module loaded.</summary>
public static partial class HandoffPlanner
{
    // The NVIDIA stack unloads top down (DOMAIN.md); nvidia_drm uses nvidia_modeset, which uses nvidia, as does nvidia_uvm.
    private static readonly string[] NvidiaStack = ["nvidia_drm", "nvidia_modeset", "nvidia_uvm", "nvidia"];

    private static List<string> ModulesToUnload(HostSnapshot host, IReadOnlyList<PciAddress> endpoints, IReadOnlyDictionary<PciAddress, string?> originals, List<string> warnings)
    {
        if (host.Kernel.Modules is not { } listed)
        {
            if (originals.Values.Any(d => d is not null))
            {
                warnings.Add("The loaded modules are unknown (/proc/modules unreadable), so no driver module is unloaded.");
            }

            return [];
        }

        var loaded = listed.ToDictionary(m => m.Name, m => m, StringComparer.Ordinal);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var driver in originals.Values.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var module = driver.Replace('-', '_');
            var stack = module == "nvidia" ? NvidiaStack : [module];
            var users = host.PciDevices.Where(d => d.Driver == driver && !endpoints.Contains(d.Address)).Select(d => d.Address).ToList();
            if (users.Count > 0)
            {
                // snd_hda_intel usually serves the board's own audio as well: unbinding the HDMI function is enough.
                continue;
            }

            if (!loaded.ContainsKey(module))
            {
                warnings.Add($"Driver '{driver}' is built into the kernel, so it is unbound but not unloaded.");
                continue;
            }

            foreach (var name in stack.Where(n => loaded.ContainsKey(n) && !removed.Contains(n)))
            {
                var blockers = loaded[name].UsedBy.Where(u => !removed.Contains(u) && !stack.Contains(u)).ToList();
                if (blockers.Count > 0)
                {
                    warnings.Add($"Module '{name}' is also used by '{string.Join("', '", blockers)}', so it stays loaded.");
                    break;
                }

                order.Add(name);
                Remove(name, loaded, removed);
            }
        }

        return order;
    }

    // modprobe -r also removes the dependencies nothing uses any more; later steps must not try to unload them again.
    private static void Remove(string name, Dictionary<string, LoadedModule> loaded, HashSet<string> removed)
    {
        removed.Add(name);
        foreach (var dependency in loaded.Values.Where(m => m.UsedBy.Contains(name) && !removed.Contains(m.Name)))
        {
            if (dependency.UsedBy.All(removed.Contains))
            {
                Remove(dependency.Name, loaded, removed);
            }
        }
    }
}
