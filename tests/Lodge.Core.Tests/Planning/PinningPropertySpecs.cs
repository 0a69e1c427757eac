using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Runtime;

namespace Lodge.Core.Tests.Planning;

/// <summary>The rules of <c>pin = "auto"</c> over generated topologies (nodes × L3 domains × cores × threads, with and without E-cores).</summary>
public sealed class PinningPropertySpecs
{
    [Property(MaxTest = 400)]
    public Property Auto_pinning_keeps_siblings_together_stays_in_one_node_and_one_L3_where_it_fits(byte nodesSeed, byte l3Seed, byte coresSeed, byte threadsSeed, byte eSeed, byte guestSeed, bool threadsWanted)
    {
        // Arrange
        var nodes = 1 + (nodesSeed % 4);
        var l3PerNode = 1 + (l3Seed % 3);
        var coresPerL3 = 1 + (coresSeed % 8);
        var hostThreads = 1 + (threadsSeed % 2);
        var eCores = eSeed % 4 == 0 ? 1 + (eSeed % 3) : 0;
        var topology = PinningHosts.Build(nodes, l3PerNode, coresPerL3, hostThreads, eCores);
        var hostCores = topology.PhysicalCores;
        var threads = threadsWanted ? 2 : 1;
        var guestCores = 1 + (guestSeed % Math.Max(1, hostCores.Count));
        var host = new HostSnapshot { Cpu = new CpuInfo { VendorId = "AuthenticAMD", HasTopoext = true }, Topology = topology };
        var machine = new MachineConfig("p", "p.toml") { Cpu = new CpuConfig(guestCores, threads, "auto") };

        // Act
        var cpu = MachinePlanner.Plan(machine, host, [], RuntimeLayout.For("p")).Cpu;

        // Assert
        var pins = cpu.VcpuPins;
        var coreOf = hostCores.SelectMany(c => c.Cpus.Select(id => (id, c))).ToDictionary(x => x.id, x => x.c);
        var byId = topology.Cpus.ToDictionary(c => c.Id);
        var vcpus = guestCores * threads;
        if (pins.Count == 0)
        {
            // Floating only when the guest takes every CPU, or no whole-core layout exists.
            var withThreads = hostCores.Count(c => c.Cpus.Count >= threads) >= guestCores;
            var oneThreadEach = hostCores.Count >= vcpus;
            return (vcpus >= topology.Cpus.Count || (!withThreads && !oneThreadEach)).Label("floated although it fits");
        }

        var distinct = pins.Distinct().Count() == pins.Count;
        var wholeCores = Enumerable.Range(0, cpu.Cores).All(g =>
        {
            var run = pins.Skip(g * cpu.Threads).Take(cpu.Threads).ToList();
            return run.All(p => coreOf[p] == coreOf[run[0]]);
        });
        var oneCorePerGuestCore = Enumerable.Range(0, cpu.Cores).Select(g => coreOf[pins[g * cpu.Threads]]).Distinct().Count() == cpu.Cores;
        var threadsTrue = cpu.Threads == 1 || pins.All(p => coreOf[p].Cpus.Count >= cpu.Threads);
        var emulatorApart = cpu.EmulatorCpus.All(e => !pins.Contains(e));

        // The eligible cores (enough threads for the guest's) per node and per L3 domain.
        var eligible = hostCores.Where(c => c.Cpus.Count >= cpu.Threads).ToList();
        var fitsNode = eligible.GroupBy(c => c.Node).Any(g => g.Count() >= cpu.Cores);
        var fitsL3 = eligible.GroupBy(c => string.Join(',', c.L3!)).Any(g => g.Count() >= cpu.Cores);
        var pinNodes = pins.Select(p => byId[p].Node).Distinct().Count();
        var pinL3s = pins.Select(p => string.Join(',', byId[p].L3SharedWith!)).Distinct().Count();
        var nodeSpread = cpu.GuestNodes.Count == 0 || cpu.GuestNodes.Sum(n => n.VcpuCount) == vcpus;
        var evenSpread = cpu.GuestNodes.Count == 0 || cpu.GuestNodes.Max(n => n.VcpuCount) - cpu.GuestNodes.Min(n => n.VcpuCount) <= cpu.Threads;

        return distinct.Label("a host CPU pinned twice")
            .And(wholeCores.Label("a guest core split across host cores"))
            .And(oneCorePerGuestCore.Label("two guest cores on one host core"))
            .And(threadsTrue.Label("guest threads that are not host siblings"))
            .And(emulatorApart.Label("emulator on a vCPU's CPU"))
            .And((!fitsNode || pinNodes == 1).Label("left one node although the guest fits one"))
            .And((!fitsNode || !fitsL3 || pinL3s == 1 || !FitsL3WithinChosenNode(eligible, cpu.Cores)).Label("left one L3 although the guest fits one"))
            .And((fitsNode || cpu.GuestNodes.Count == pinNodes).Label("guest NUMA layout does not match the host nodes used"))
            .And(nodeSpread.Label("guest nodes do not hold every vCPU"))
            .And(evenSpread.Label("uneven spread over nodes"));
    }

    // One L3 is promised where some node has an L3 domain with room for the guest.
    private static bool FitsL3WithinChosenNode(IReadOnlyList<PhysicalCore> eligible, int cores) =>
        eligible.GroupBy(c => string.Join(',', c.L3!)).Any(g => g.Count() >= cores);
}
