namespace Lodge.Core.Hardware;

/// <summary>The running kernel: command line, version, modules and the module parameters Lodge cares about.</summary>
public sealed record KernelInfo
{
    /// <summary><c>/proc/cmdline</c>, or null when unknown.</summary>
    public string? CommandLine { get; init; }

    /// <summary>The release from <c>/proc/version</c> (e.g. <c>6.1.0-18-amd64</c>), or null.</summary>
    public string? Release { get; init; }

    /// <summary>Loaded modules from <c>/proc/modules</c>, or null when unknown.</summary>
    public IReadOnlyList<LoadedModule>? Modules { get; init; }

    /// <summary>Modules present in <c>/sys/module</c> (loaded or built in) with their parameters, for vfio_pci, kvm, kvm_intel, kvm_amd, i915 and vendor_reset.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ModuleParameters { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Each PCI driver's module, from the <c>/sys/bus/pci/drivers/NAME/module</c> link the kernel makes (a driver
    /// is not always named after its module: <c>bochs-drm</c> is the module <c>bochs</c>); drivers without the link are absent.</summary>
    public IReadOnlyDictionary<string, string> DriverModules { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The module of a PCI driver: its <c>module</c> link's target, else the driver's name with '-' as '_'.</summary>
    public string ModuleOf(string driver)
    {
        ArgumentNullException.ThrowIfNull(driver);
        return DriverModules.TryGetValue(driver, out var module) ? module : driver.Replace('-', '_');
    }

    /// <summary>/dev/kvm exists; null when the tree has no /dev.</summary>
    public bool? KvmDevice { get; init; }

    /// <summary>/dev/vhost-net exists; null when the tree has no /dev.</summary>
    public bool? VhostNetDevice { get; init; }

    /// <summary>QEMU's own answer to "does a KVM guest with the host CPU run code here?": "ok" (the test guest wrote its marker), the reason it cannot, or null when not asked.</summary>
    public string? KvmProbe { get; init; }

    /// <summary>True when <see cref="KvmProbe"/> is the answer QEMU gave earlier in this boot (cached per boot and QEMU binary), not a new run.</summary>
    public bool KvmProbeCached { get; init; }

    /// <summary>True when the module is in /proc/modules or /sys/module; null when neither is known.</summary>
    public bool? IsModuleLoaded(string name)
    {
        var canonical = name.Replace('-', '_');
        if (ModuleParameters.ContainsKey(canonical))
        {
            return true;
        }

        if (Modules is null)
        {
            return null;
        }

        foreach (var m in Modules)
        {
            if (m.Name == canonical)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A parameter's value, or null.</summary>
    public string? Parameter(string module, string parameter) =>
        ModuleParameters.TryGetValue(module, out var p) && p.TryGetValue(parameter, out var v) ? v : null;

    /// <summary>The value of a kernel command line parameter (<c>intel_iommu</c> gives <c>on</c>), "" for a bare flag, null when absent.</summary>
    public string? CommandLineValue(string key)
    {
        if (CommandLine is null)
        {
            return null;
        }

        string? found = null;
        foreach (var token in CommandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = token.IndexOf('=');
            var name = eq < 0 ? token : token[..eq];
            if (name == key)
            {
                found = eq < 0 ? string.Empty : token[(eq + 1)..];
            }
        }

        return found;
    }
}
