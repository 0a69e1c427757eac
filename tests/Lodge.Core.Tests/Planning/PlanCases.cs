using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;
using Lodge.Core.Planning;
using Lodge.Core.Runtime;
using Lodge.Core.Tests.Machines;
using Lodge.Linux;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Core.Tests.Planning;

/// <summary>
/// The golden plan cases: <c>Golden/plans/CASE.toml</c> whose leading comments say what to lay over the fixture host,
/// since the captured trees hold PCI facts but seldom CPU topology, hugepages, input devices or /usr:
/// <c># host: NAME</c>, <c># cpu: zen4-2ccd | zen3-6c | adl-8p8e | fixture</c>, <c># hugepages: 2M=9000,1G=0</c> (free
/// pages), <c># qemu: VERSION</c>, <c># virtiofsd: rust | c</c>, <c># input: yes</c>. Firmware descriptors are
/// Debian 12's, copied into tests/data/firmware/debian12.
/// </summary>
internal static class PlanCases
{
    public static readonly string Dir = Path.Combine(RepoPaths.Root, "tests", "Lodge.Core.Tests", "Golden", "plans");

    private static readonly Lazy<IReadOnlyList<FirmwareDescriptor>> Firmware = new(() =>
        new SysfsScanner(new HostRoot(Path.Combine(RepoPaths.Root, "tests", "data", "firmware", "debian12"))).Scan().Firmware);

    public static IReadOnlyList<string> Names =>
        [.. Directory.EnumerateFiles(Dir, "*.toml").Select(p => Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal)];

    public static (MachinePlan Plan, IReadOnlyList<Problem> Problems) Load(string name, RuntimeLayout? layout = null)
    {
        var text = File.ReadAllText(Path.Combine(Dir, name + ".toml"));
        var header = text.Split('\n').TakeWhile(l => l.StartsWith('#'))
            .Select(l => l.TrimStart('#').Split(':', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        var (fixture, _) = FixtureHosts.Load(header["host"]);
        var host = fixture with
        {
            Firmware = Firmware.Value,
            Tools = Tools(header.GetValueOrDefault("qemu", "9.2.0"), header.GetValueOrDefault("virtiofsd", "rust")),
        };
        host = WithCpu(host, header.GetValueOrDefault("cpu", "fixture"));
        if (header.TryGetValue("hugepages", out var pages))
        {
            host = host with { Memory = host.Memory with { HugePages = [.. pages.Split(',').Select(Pool)] } };
        }

        if (header.GetValueOrDefault("input") == "yes")
        {
            host = host with { InputDevices = InputDevices };
        }

        var assessments = PassthroughAdvisor.Assess(host);
        var parsed = MachineParser.Parse(text, name + ".toml", name);
        var problems = parsed.Problems.Concat(MachineValidator.Validate(parsed.Machine, host, assessments, [])).ToList();
        var plan = MachinePlanner.Plan(parsed.Machine, host, assessments, layout ?? RuntimeLayout.For(name));
        return (plan with { Uuid = Lodge.Linux.Runtime.MachineIdentity.Derived(name) }, problems);
    }

    private static HostTools Tools(string qemu, string virtiofsd) => new()
    {
        Qemu = new ToolInfo("/usr/bin/qemu-system-x86_64", qemu),
        QemuCaps = Caps(qemu),
        QemuImg = new ToolInfo("/usr/bin/qemu-img", qemu),
        Swtpm = new ToolInfo("/usr/bin/swtpm", "0.7.1"),
        Virtiofsd = virtiofsd == "c" ? new ToolInfo("/usr/lib/qemu/virtiofsd", null, ToolFlavor.C) : new ToolInfo("/usr/libexec/virtiofsd", "1.10.1", ToolFlavor.Rust),
        Smbd = new ToolInfo("/usr/sbin/smbd", "4.17.12"),
    };

    // What 'qemu-system-x86_64 -machine help' and '-device max-x86_64-cpu,help' list, cut to what plans look at: every
    // q35 type up to the version, and the Hyper-V properties (all three newer ones exist since QEMU 4.1).
    private static QemuCapabilities Caps(string version)
    {
        var v = Version.Parse(version);
        var machines = new List<string> { "q35" };
        for (var major = 4; major <= v.Major; major++)
        {
            for (var minor = 0; minor <= (major == v.Major ? v.Minor : 2); minor++)
            {
                machines.Add($"pc-q35-{major}.{minor}");
            }
        }

        return new QemuCapabilities(machines, ["hv-relaxed", "hv-vapic", "hv-tlbflush", "hv-ipi", "hv-stimer", "hv-stimer-direct", "invtsc", "topoext"]);
    }

    private static HugePagePool Pool(string spec)
    {
        var (size, count) = (spec.Split('=')[0], long.Parse(spec.Split('=')[1]));
        return new HugePagePool(size == "1G" ? 1024 * 1024 : 2048, count, count);
    }

    private static readonly IReadOnlyList<InputDevice> InputDevices =
    [
        new("Logitech USB Keyboard", "event3", ["/dev/input/by-id/usb-Logitech_USB_Keyboard-event-kbd"], null, true, false, "1-4", null),
        new("Logitech G502", "event5", ["/dev/input/by-id/usb-Logitech_G502-event-mouse"], null, false, true, "1-5", null),
    ];

    private static HostSnapshot WithCpu(HostSnapshot host, string profile) => profile switch
    {
        // Ryzen 9 7950X (flags include topoext): 16 cores, SMT siblings n and n+16, one L3 per 8-core CCD.
        "zen4-2ccd" => host with { Cpu = host.Cpu with { VendorId = "AuthenticAMD", HasTopoext = true }, Topology = Smt(16, c => c < 8 ? 0 : 1, _ => null) },
        // Ryzen 5 5600X (flags include topoext): 6 cores, SMT siblings n and n+6, one L3.
        "zen3-6c" => host with { Cpu = host.Cpu with { VendorId = "AuthenticAMD", HasTopoext = true }, Topology = Smt(6, _ => 0, _ => null) },
        // Core i9-12900K: 8 P-cores (siblings 2n, 2n+1 as Linux numbers them), then 8 E-cores 16-23; one L3.
        "adl-8p8e" => host with { Cpu = host.Cpu with { VendorId = "GenuineIntel" }, Topology = AlderLake() },
        _ => host,
    };

    private static CpuTopology Smt(int cores, Func<int, int> ccd, Func<int, CpuCoreType?> type)
    {
        var cpus = new List<LogicalCpu>();
        for (var id = 0; id < cores * 2; id++)
        {
            var core = id % cores;
            var l3 = Enumerable.Range(0, cores * 2).Where(c => ccd(c % cores) == ccd(core)).ToList();
            cpus.Add(new LogicalCpu(id, 0, 0, core, [core, core + cores], l3, type(core)));
        }

        return new CpuTopology { Cpus = cpus };
    }

    private static CpuTopology AlderLake()
    {
        var all = Enumerable.Range(0, 24).ToList();
        var cpus = new List<LogicalCpu>();
        for (var id = 0; id < 24; id++)
        {
            cpus.Add(id < 16
                ? new LogicalCpu(id, 0, 0, id / 2, [id & ~1, id | 1], all, CpuCoreType.Performance)
                : new LogicalCpu(id, 0, 0, id - 8, [id], all, CpuCoreType.Efficiency));
        }

        return new CpuTopology { Cpus = cpus };
    }
}
