using System.Text.RegularExpressions;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

/// <summary>
/// Every x86_64 case of libvirt 9.0.0's <c>tests/virhostcpudata</c> (tests/data/cpu/README.md): Lodge's packages, cores,
/// threads and NUMA nodes agree with libvirt's expected numbers; where libvirt itself falls back (no node names a CPU,
/// no node directory, or numbers that do not multiply up to the CPU count), Lodge's numbers are compared with the real
/// topology the tree shows, stated per case below.
/// </summary>
public sealed partial class LibvirtTopologySpecs
{
    private static readonly string Dir = Path.Combine(RepoPaths.Root, "tests", "data", "cpu", "libvirt-9.0.0");

    // case, libvirt's answer came from a fallback (why), and the tree's real topology:
    // packages, dies, cores, threads per core, NUMA nodes with CPUs (null: no node directory), online, present.
    public static TheoryData<string, string?, int, int, int, int, int?, int, int> Cases() => new()
    {
        // Both node directories hold only meminfo, so libvirt falls back to one node; cpu1's thread_siblings_list
        // reads "0" (leaving cpu1 out), so Lodge ignores it and /proc/cpuinfo (siblings 2 = cpu cores 2) says no SMT.
        { "x86_64-test1", "no node names a CPU", 1, 1, 2, 1, 0, 2, 2 },
        { "x86_64-test2", null, 1, 1, 2, 1, 1, 2, 2 },
        // Opteron 6172 (Magny-Cours): 4 packages of two 6-core nodes; core_id repeats per node and there are no
        // sibling lists, so counting (package, core_id) would halve the cores.
        { "x86_64-test3", null, 4, 4, 48, 1, 8, 48, 48 },
        { "x86_64-test4", null, 2, 2, 16, 1, 2, 16, 16 },
        { "x86_64-test5", "no /sys/devices/system/node", 1, 1, 4, 1, null, 4, 4 },
        // cpu5 and cpu7 are offline: cores {0,4} and {2,6} keep both threads, {1} and {3} one.
        { "x86_64-test6", null, 1, 1, 4, 2, 1, 6, 8 },
        // Opteron 6174: 2 packages of 12 cores, core_id 0-5 twice per package, one node shown, no sibling lists;
        // libvirt's 1 × 2 × 6 × 1 misses 24, so it reports 1/1/24/1. /proc/cpuinfo (siblings 12 = cpu cores 12) says no SMT.
        { "x86_64-test7", "sockets × cores × threads is not the CPU count", 2, 2, 24, 1, 1, 24, 24 },
        // Opteron 6282 SE: 4 packages, 8 nodes, sibling pairs (0,4), (1,5), ...: 32 cores of 2 threads. libvirt counts
        // core_id 0-7 per node and 2 threads, 8 × 1 × 8 × 2 = 128, not 64, so it reports 1/1/64/1.
        { "x86_64-test8", "nodes × sockets × cores × threads is not the CPU count", 4, 4, 32, 2, 8, 64, 64 },
        // 2 packages × 3 dies × 2 cores: core_id repeats per die; libvirt's 1 × 2 × 2 × 1 misses 12.
        { "x86_64-with-die", "sockets × cores × threads is not the CPU count", 2, 6, 12, 1, 1, 12, 12 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void I_can_count_packages_cores_threads_and_nodes_as_libvirt_does_or_as_the_tree_shows_where_libvirt_falls_back(
        string name, string? libvirtFallback, int packages, int dies, int cores, int threads, int? nodes, int online, int present)
    {
        // Arrange
        var root = Path.Combine(Dir, name);
        var expected = ExpectedRegex().Match(File.ReadAllText(Path.Combine(root, "libvirt.expected")));
        Assert.True(expected.Success, name);
        int Field(string f) => int.Parse(expected.Groups[f].Value, System.Globalization.CultureInfo.InvariantCulture);

        // Act
        var topology = new SysfsScanner(new HostRoot(root)).Scan().Topology;
        var nodesWithCpus = topology.Nodes?.Count(n => n.Cpus.Count > 0);

        // Assert: the tree's real topology.
        Assert.Equal(packages, topology.Packages);
        Assert.Equal(dies, topology.Dies);
        Assert.Equal(cores, topology.Cores);
        Assert.Equal(threads, topology.ThreadsPerCore);
        Assert.Equal(nodes, nodesWithCpus);
        Assert.Equal(online, topology.Cpus.Count);
        Assert.Equal(present, topology.Present?.Count);
        Assert.Equal(Field("online"), topology.Cpus.Count);
        Assert.Equal(Field("present"), topology.Present?.Count);

        // Assert: libvirt's numbers, where they are not a fallback (Sockets is per node, Cores per socket).
        var libvirtProduct = Field("nodes") * Field("sockets") * Field("cores") * Field("threads");
        if (libvirtFallback is null)
        {
            Assert.Equal(Field("nodes"), nodesWithCpus);
            Assert.Equal(Field("nodes") * Field("sockets") * Field("cores"), topology.Cores);
            Assert.Equal(Field("threads"), topology.ThreadsPerCore);
            Assert.True(topology.Packages <= Field("nodes") * Field("sockets"));
            Assert.Equal(Field("present"), libvirtProduct);
        }
        else
        {
            // libvirt's fallback shape: one node, and either its own product or 1 socket × CPUs cores × 1 thread.
            Assert.Equal(1, Field("nodes"));
            Assert.Equal(Field("present"), topology.PhysicalCores.Sum(c => c.Cpus.Count) + (present - online));
        }

        // Every CPU sits in exactly one core, and a core never crosses a package or a node.
        Assert.Equal(topology.Cpus.Select(c => c.Id).Order(), topology.PhysicalCores.SelectMany(c => c.Cpus).Order());
        var byId = topology.Cpus.ToDictionary(c => c.Id);
        Assert.All(topology.PhysicalCores, core =>
        {
            Assert.Single(core.Cpus.Select(c => byId[c].Package).Distinct());
            Assert.Single(core.Cpus.Select(c => byId[c].Node).Distinct());
        });
    }

    [Fact]
    public void I_can_read_node_memory_from_each_nodes_meminfo()
    {
        // Arrange
        var root = Path.Combine(Dir, "x86_64-test1");

        // Act
        var nodes = new SysfsScanner(new HostRoot(root)).Scan().Topology.Nodes;

        // Assert: "Node 0 MemTotal: 33554432 kB", and no node names a CPU.
        Assert.NotNull(nodes);
        Assert.Equal([0, 1], nodes.Select(n => n.Id));
        Assert.Equal(33554432, nodes[0].MemTotalKiB);
        Assert.Equal(12351744, nodes[0].MemFreeKiB);
        Assert.All(nodes, n => Assert.Empty(n.Cpus));
    }

    [GeneratedRegex(@"CPUs: (?<online>\d+)/(?<present>\d+), MHz: \d+, Nodes: (?<nodes>\d+), Sockets: (?<sockets>\d+), Cores: (?<cores>\d+), Threads: (?<threads>\d+)")]
    private static partial Regex ExpectedRegex();
}
