using System.Text;
using Lodge.Core.Libvirt;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Qemu;
using Lodge.Core.Runtime;
using Lodge.Testing;

namespace Lodge.Core.Tests.Planning;

/// <summary>
/// <c>Golden/pinning/HOST.txt</c>: what <c>pin = "auto"</c> chooses on each pinning host for guests of 2, 4, 8 and 16 cores
/// of 2 threads: the CPU decisions with their reasons, and the CPU, SMP, NUMA and RAM parts of the argv and XML.
/// </summary>
public sealed class PinningGoldenSpecs
{
    private static readonly string Dir = Path.Combine(RepoPaths.Root, "tests", "Lodge.Core.Tests", "Golden", "pinning");

    private static readonly string[] Topics = ["cpu", "smt", "topoext", "pinning", "numa", "cache", "hybrid", "host core", "emulator", "isolation", "memory"];

    public static TheoryData<string> Cases() => [.. PinningHosts.Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public void I_can_see_the_automatic_pinning_chosen_on_each_host(string name)
    {
        // Arrange
        var host = PinningHosts.Load(name);
        var text = new StringBuilder();
        text.Append("# ").Append(host.Topology.Cpus.Count).Append(" CPUs, ").Append(host.Topology.Cores).Append(" cores × ").Append(host.Topology.ThreadsPerCore)
            .Append(" threads, ").Append(host.Topology.Packages).Append(" package(s), ").Append(host.Topology.Nodes?.Count(n => n.Cpus.Count > 0).ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown")
            .Append(" NUMA node(s), ").Append(host.Topology.L3Domains.Count).Append(" L3 domain(s)\n");

        // Act
        foreach (var cores in new[] { 2, 4, 8, 16 })
        {
            var machine = new MachineConfig("pin", "pin.toml") { Cpu = new CpuConfig(cores, 2, "auto", Isolate: true), Memory = new MemoryConfig(8L << 30, "off") };
            var plan = MachinePlanner.Plan(machine, host, [], RuntimeLayout.For("pin"));
            text.Append("\n== ").Append(cores).Append(" cores × 2 threads\n");
            foreach (var d in plan.Decisions.Where(d => Topics.Contains(d.Topic)))
            {
                text.Append(d.Topic).Append(": ").Append(d.Choice).Append("\n  because: ").Append(d.Reason).Append('\n');
            }

            var argv = QemuArgvBuilder.Build(plan);
            for (var i = 0; i + 1 < argv.Count; i++)
            {
                if (argv[i] is "-cpu" or "-smp" or "-numa" || (argv[i] == "-object" && argv[i + 1].StartsWith("memory-backend", StringComparison.Ordinal)) || (argv[i] == "-machine"))
                {
                    text.Append(argv[i]).Append(' ').Append(argv[i + 1]).Append('\n');
                }
            }

            var xml = DomainXmlWriter.Write(plan).Split('\n');
            foreach (var line in xml.Where(l => l.Contains("<topology", StringComparison.Ordinal) || l.Contains("<cell", StringComparison.Ordinal)
                || l.Contains("<memnode", StringComparison.Ordinal) || l.Contains("nodeset=", StringComparison.Ordinal) || l.Contains("<cache", StringComparison.Ordinal)
                || l.Contains("topoext", StringComparison.Ordinal) || l.Contains("emulatorpin", StringComparison.Ordinal)))
            {
                text.Append(line.Trim()).Append('\n');
            }
        }

        // Assert
        Golden.Match(Path.Combine(Dir, name + ".txt"), text.ToString());
    }
}
