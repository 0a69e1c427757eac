using System.Globalization;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Core.Doctor;

/// <summary>CPU topology, memory and hugepages, and the programs guests need.</summary>
public static partial class HostDoctor
{
    private static DoctorSection Topology(HostSnapshot host)
    {
        var t = host.Topology;
        if (t.Cpus.Count == 0)
        {
            return new DoctorSection("CPU topology", [new DoctorCheck(CheckStatus.Unknown, "CPUs", "This tree holds no /sys/devices/system/cpu.")]);
        }

        var cores = t.PhysicalCores;
        var threads = cores.Max(c => c.Cpus.Count);
        var present = t.Present is { } p ? $"{p.Count} present" : "present unknown";
        var source = t.CoreSource switch
        {
            SiblingSource.Kernel => "cores from the kernel's sibling lists",
            SiblingSource.CpuInfoNoSmt => "no sibling lists: /proc/cpuinfo shows no SMT, so each CPU is a core",
            SiblingSource.CoreId => "no sibling lists: cores rebuilt from core_id per package, die and node",
            _ => "no sibling lists or core_id: each CPU counted as a core",
        };
        var checks = new List<DoctorCheck>
        {
            new(CheckStatus.Info, "CPUs", $"{t.Cpus.Count} online ({present}) logical CPUs on {cores.Count} cores, {t.Dies} die(s), {t.Packages} package(s); {threads} thread(s) per core ({source})."),
        };
        if (threads == 1)
        {
            checks.Add(new DoctorCheck(CheckStatus.Warning, "SMT", "The host shows no SMT, so a guest's threads per core would be separate host cores; Lodge gives guests one thread per core here.",
                "Turn SMT (Hyper-Threading) on in the firmware if the CPU has it."));
        }

        checks.Add(t.Nodes switch
        {
            null => new DoctorCheck(CheckStatus.Unknown, "NUMA", "The tree has no /sys/devices/system/node, so the NUMA layout is unknown; Lodge treats the host as one node."),
            var nodes => new DoctorCheck(CheckStatus.Info, "NUMA", $"{nodes.Count} node(s): " + string.Join("; ", nodes.Select(n =>
                $"node {n.Id} CPUs {(n.Cpus.Count == 0 ? "none" : FormatCpuList(n.Cpus))}, {(n.MemTotalKiB is { } kib ? $"{kib >> 10} MiB" : "memory unknown")}")) + "."),
        });
        var l3 = t.L3Domains;
        checks.Add(l3.Count == 0
            ? new DoctorCheck(CheckStatus.Unknown, "L3 caches", "The tree shows no level-3 cache.")
            : new DoctorCheck(CheckStatus.Info, "L3 caches", $"{l3.Count} L3 domain(s): {string.Join("; ", l3.Select(FormatCpuList))}; Lodge pins a guest's vCPUs within one where it fits."));
        if (t.IsHybrid)
        {
            var pc = t.Cpus.Where(c => c.CoreType == CpuCoreType.Performance).Select(c => c.Id).ToList();
            var e = t.Cpus.Where(c => c.CoreType == CpuCoreType.Efficiency).Select(c => c.Id).ToList();
            checks.Add(new DoctorCheck(CheckStatus.Info, "Hybrid cores", $"P-cores {FormatCpuList(pc)}; E-cores {FormatCpuList(e)}; Lodge pins vCPUs to P-cores first."));
        }

        return new DoctorSection("CPU topology", checks);
    }

    private static DoctorSection Memory(HostSnapshot host)
    {
        var m = host.Memory;
        var checks = new List<DoctorCheck>
        {
            m.TotalKiB is { } total
                ? new DoctorCheck(CheckStatus.Info, "Memory", $"{Gib(total)} total, {(m.AvailableKiB is { } avail ? Gib(avail) : "unknown")} available.")
                : new DoctorCheck(CheckStatus.Unknown, "Memory", "/proc/meminfo is missing."),
        };
        if (m.HugePages.Count == 0)
        {
            checks.Add(new DoctorCheck(CheckStatus.Unknown, "Hugepages", "This tree holds no /sys/kernel/mm/hugepages."));
        }

        foreach (var pool in m.HugePages.OrderBy(p => p.PageSizeKiB))
        {
            var size = pool.PageSizeKiB >= 1024 * 1024 ? $"{pool.PageSizeKiB / (1024 * 1024)}G" : $"{pool.PageSizeKiB / 1024}M";
            var text = pool.Total is null ? "unknown" : $"{pool.Total} reserved ({Gib((pool.Total ?? 0) * pool.PageSizeKiB)}), {pool.Free?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} free";
            checks.Add(new DoctorCheck(CheckStatus.Info, $"Hugepages {size}", $"{text}."));
        }

        return new DoctorSection("Memory", checks);
    }

    private static DoctorSection Software(HostSnapshot host)
    {
        var tools = host.Tools;
        var checks = new List<DoctorCheck>();
        if (!tools.Known)
        {
            checks.Add(new DoctorCheck(CheckStatus.Unknown, "Programs", "This tree holds no /usr, so QEMU, OVMF, swtpm, virtiofsd and smbd cannot be checked."));
            return new DoctorSection("Software", checks);
        }

        var missing = new List<string>();
        void Tool(ToolInfo? tool, string key, string title, string purpose)
        {
            if (tool is null)
            {
                var package = PackageAdvice.PackageFor(host.Boot, key);
                missing.Add(package);
                checks.Add(new DoctorCheck(CheckStatus.Warning, title, $"Not found; it is needed {purpose}.", $"Install the package '{package}'."));
            }
            else
            {
                var flavor = tool.Flavor is { } f ? $" ({f.Word()})" : string.Empty;
                var version = tool.Version is null ? string.Empty : $" version {tool.Version}";
                checks.Add(new DoctorCheck(CheckStatus.Ok, title, $"{tool.Path}{version}{flavor}."));
            }
        }

        Tool(tools.Qemu, "qemu", "QEMU", "to run any guest");
        Tool(tools.QemuImg, "qemu-img", "qemu-img", "to create disks");

        var uefi = host.Firmware.Where(f => f.InterfaceTypes.Contains("uefi") && f.Targets.Any(t => t.Architecture == "x86_64")).ToList();
        if (uefi.Count == 0)
        {
            var package = PackageAdvice.PackageFor(host.Boot, "ovmf");
            missing.Add(package);
            checks.Add(new DoctorCheck(CheckStatus.Warning, "UEFI firmware", "No x86_64 UEFI firmware descriptor in /usr/share/qemu/firmware; Windows 11, macOS and GPU guests need OVMF.", $"Install the package '{package}'."));
        }
        else
        {
            var secure = uefi.Count(f => f.HasFeature("secure-boot"));
            checks.Add(new DoctorCheck(CheckStatus.Ok, "UEFI firmware", $"{uefi.Count} OVMF descriptor(s), {secure} with Secure Boot."));
        }

        Tool(tools.Swtpm, "swtpm", "swtpm", "for a guest TPM (Windows 11)");
        Tool(tools.Virtiofsd, "virtiofsd", "virtiofsd", "to share a folder over virtiofs");
        Tool(tools.Smbd, "smbd", "smbd", "to share a folder with macOS guests over SMB");
        if (missing.Count > 0)
        {
            checks.Add(new DoctorCheck(CheckStatus.Info, "Install", "Missing programs come from these packages.", PackageAdvice.InstallCommand(host.Boot, missing.Distinct())));
        }

        return new DoctorSection("Software", checks);
    }

    private static string Gib(long kib) => string.Create(CultureInfo.InvariantCulture, $"{kib / 1024.0 / 1024.0:0.0} GiB");

    /// <summary>Formats CPUs as the kernel does: <c>0-5,12-17</c>.</summary>
    public static string FormatCpuList(IReadOnlyList<int> cpus)
    {
        var parts = new List<string>();
        var sorted = cpus.Distinct().Order().ToList();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            parts.Add(j == i ? sorted[i].ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{sorted[i]}-{sorted[j]}"));
            i = j + 1;
        }

        return string.Join(',', parts);
    }
}
