using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>Kernel command line, version, modules and their parameters; CPU vendor and flags.</summary>
public sealed partial class SysfsScanner
{
    /// <summary>Modules whose parameters matter for passthrough.</summary>
    internal static readonly string[] WatchedModules = ["vfio_pci", "vfio", "vfio_iommu_type1", "kvm", "kvm_intel", "kvm_amd", "kvm_pvm", "i915", "vendor_reset", "kvmfr", "nvidia", "amdgpu"];

    private KernelInfo ScanKernel()
    {
        var parameters = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        foreach (var module in WatchedModules)
        {
            var dir = $"/sys/module/{module}";
            if (!_root.DirectoryExists(dir))
            {
                continue;
            }

            var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in _root.ListDirectory($"{dir}/parameters"))
            {
                var value = _root.ReadAttribute($"{dir}/parameters/{name}");
                if (value is not null)
                {
                    values[name] = value;
                }
            }

            parameters[module] = values;
        }

        return new KernelInfo
        {
            CommandLine = _root.ReadAttribute("/proc/cmdline"),
            Release = ParseRelease(_root.ReadAttribute("/proc/version")),
            Modules = ParseModules(_root.ReadText("/proc/modules")),
            ModuleParameters = parameters,
            DriverModules = ScanDriverModules(),
            KvmDevice = _root.DirectoryExists("/dev") ? _root.Exists("/dev/kvm") : null,
            VhostNetDevice = _root.DirectoryExists("/dev") ? _root.Exists("/dev/vhost-net") : null,
        };
    }

    // /sys/bus/pci/drivers/bochs-drm/module -> ../../../../module/bochs: the kernel links a driver to its module (for a
    // built-in one too, when /sys/module has it); the module's name is the link's last component.
    private Dictionary<string, string> ScanDriverModules()
    {
        var modules = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var driver in _root.ListDirectory("/sys/bus/pci/drivers"))
        {
            if (_root.ReadLinkName($"/sys/bus/pci/drivers/{driver}/module") is { Length: > 0 } module)
            {
                modules[driver] = module;
            }
        }

        return modules;
    }

    // "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 ...) #1 SMP ..."
    private static string? ParseRelease(string? version)
    {
        const string prefix = "Linux version ";
        if (version is null || !version.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = version[prefix.Length..];
        var space = rest.IndexOf(' ');
        return space < 0 ? rest : rest[..space];
    }

    // "nvidia_uvm 1830912 0 - Live 0xffffffffc080c000 (O)"
    // "snd_hda_intel 61440 3 - Live 0x0000000000000000"
    // "kvm 1146880 1 kvm_amd, Live 0x0000000000000000"
    internal static IReadOnlyList<LoadedModule>? ParseModules(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var result = new List<LoadedModule>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3 || fields[0].Length == 0)
            {
                continue;
            }

            int? refs = int.TryParse(fields[2], System.Globalization.CultureInfo.InvariantCulture, out var r) ? r : null;
            var usedBy = fields.Length > 3 && fields[3] != "-"
                ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries)
                : [];
            result.Add(new LoadedModule(fields[0], refs, usedBy));
        }

        return result;
    }

    // processor : 0
    // vendor_id : AuthenticAMD
    // model name : AMD Ryzen 5 5600X 6-Core Processor
    // flags : fpu vme ... svm ... hypervisor ... topoext
    // siblings : 12      (logical CPUs per package; x86 only)
    // cpu cores : 6     (cores per package)
    private CpuInfo ScanCpuInfo()
    {
        var text = _root.ReadText("/proc/cpuinfo");
        if (text is null)
        {
            return new CpuInfo();
        }

        string? vendor = null, model = null, flags = null, siblings = null, cores = null;
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                if (vendor is not null && line.Trim().Length == 0)
                {
                    break;
                }

                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "vendor_id":
                    vendor ??= value;
                    break;
                case "model name":
                    model ??= value;
                    break;
                case "flags":
                    flags ??= value;
                    break;
                case "siblings":
                    siblings ??= value;
                    break;
                case "cpu cores":
                    cores ??= value;
                    break;
            }
        }

        var set = flags?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return new CpuInfo
        {
            VendorId = vendor,
            ModelName = model,
            HasVmx = set?.Contains("vmx"),
            HasSvm = set?.Contains("svm"),
            IsHypervisorGuest = set?.Contains("hypervisor"),
            HasTopoext = set?.Contains("topoext"),
            SiblingsPerPackage = ParseInt(siblings),
            CoresPerPackage = ParseInt(cores),
        };
    }
}
