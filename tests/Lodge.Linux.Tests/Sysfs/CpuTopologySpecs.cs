using Lodge.Core.Hardware;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

public class CpuTopologySpecs
{
    private const string Cpu = "/sys/devices/system/cpu";

    [Fact]
    public void I_can_read_the_package_core_siblings_and_L3_of_every_online_CPU()
    {
        // Arrange: 2 cores with SMT (cpu0+cpu2, cpu1+cpu3), cpu4 present but offline.
        using var tree = new HostTreeBuilder().File($"{Cpu}/online", "0-3\n");
        for (var id = 0; id <= 4; id++)
        {
            AddCpu(tree, id, package: 0, core: id % 2, siblings: id % 2 == 0 ? "0,2" : "1,3", l3: "0-3");
        }

        // Act
        var topology = new SysfsScanner(tree.Host).Scan().Topology;

        // Assert
        Assert.Equal([0, 1, 2, 3], topology.Cpus.Select(c => c.Id));
        Assert.Equal([0, 2], topology.Cpus[2].ThreadSiblings);
        Assert.Equal(1, topology.Cpus[3].Core);
        Assert.Equal(0, topology.Cpus[3].Package);
        Assert.Equal(0, topology.Cpus[3].Die);
        Assert.Equal(2, topology.Cores);
        Assert.Equal(1, topology.Packages);
        Assert.Equal([[0, 1, 2, 3]], topology.L3Domains);
        Assert.All(topology.Cpus, c => Assert.Null(c.CoreType));
    }

    [Fact]
    public void I_can_see_two_L3_domains_on_a_two_CCD_CPU_whatever_index_holds_the_L3()
    {
        // Arrange
        using var tree = new HostTreeBuilder().File($"{Cpu}/online", "0-3\n");
        for (var id = 0; id <= 3; id++)
        {
            AddCpu(tree, id, package: 0, core: id, siblings: $"{id}", l3: id < 2 ? "0-1" : "2-3", l3Index: "index4");
        }

        // Act
        var topology = new SysfsScanner(tree.Host).Scan().Topology;

        // Assert
        Assert.Equal([[0, 1], [2, 3]], topology.L3Domains);
    }

    [Fact]
    public void I_can_tell_performance_cores_from_efficiency_cores_on_a_hybrid_CPU()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File($"{Cpu}/online", "0-5\n")
            .File("/sys/devices/cpu_core/cpus", "0-3\n")
            .File("/sys/devices/cpu_atom/cpus", "4-5\n");
        for (var id = 0; id <= 5; id++)
        {
            AddCpu(tree, id, package: 0, core: id < 4 ? id / 2 : id, siblings: id < 4 ? (id < 2 ? "0-1" : "2-3") : $"{id}", l3: "0-5");
        }

        // Act
        var topology = new SysfsScanner(tree.Host).Scan().Topology;

        // Assert
        Assert.Equal(
            [CpuCoreType.Performance, CpuCoreType.Performance, CpuCoreType.Performance, CpuCoreType.Performance, CpuCoreType.Efficiency, CpuCoreType.Efficiency],
            topology.Cpus.Select(c => c.CoreType));
        Assert.True(topology.IsHybrid);
    }

    [Fact]
    public void I_can_fall_back_to_the_cpu_directories_when_the_online_list_is_missing()
    {
        // Arrange: cpu0 has no "online" file (it cannot go offline); cpu10 is offline.
        using var tree = new HostTreeBuilder();
        foreach (var id in new[] { 0, 1, 2, 10 })
        {
            AddCpu(tree, id, package: 0, core: id, siblings: $"{id}", l3: "0-2");
        }

        tree.File($"{Cpu}/cpu1/online", "1\n").File($"{Cpu}/cpu10/online", "0\n").Dir($"{Cpu}/cpufreq").Dir($"{Cpu}/cpuidle");

        // Act
        var topology = new SysfsScanner(tree.Host).Scan().Topology;

        // Assert
        Assert.Equal([0, 1, 2], topology.Cpus.Select(c => c.Id));
    }

    [Fact]
    public void I_get_an_empty_topology_when_the_tree_has_no_CPUs()
    {
        // Arrange
        using var tree = new HostTreeBuilder().Dir("/sys");

        // Act
        var topology = new SysfsScanner(tree.Host).Scan().Topology;

        // Assert
        Assert.Empty(topology.Cpus);
        Assert.Empty(topology.L3Domains);
    }

    [Fact]
    public void I_can_read_malformed_topology_files_and_get_unknowns_instead_of_an_error()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File($"{Cpu}/online", "0\n")
            .File($"{Cpu}/cpu0/topology/physical_package_id", "-1\n")
            .File($"{Cpu}/cpu0/topology/core_id", "abc\n")
            .File($"{Cpu}/cpu0/topology/thread_siblings_list", "3-1\n")
            .File($"{Cpu}/cpu0/cache/index3/level", "3\n")
            .File($"{Cpu}/cpu0/cache/index3/shared_cpu_list", "zero\n")
            .File("/sys/devices/cpu_core/cpus", "garbage\n");

        // Act
        var cpu = Assert.Single(new SysfsScanner(tree.Host).Scan().Topology.Cpus);

        // Assert
        Assert.Equal(0, cpu.Id);
        Assert.Null(cpu.Package);
        Assert.Null(cpu.Die);
        Assert.Null(cpu.Core);
        Assert.Empty(cpu.ThreadSiblings);
        Assert.Null(cpu.L3SharedWith);
        Assert.Null(cpu.CoreType);
    }

    [Fact]
    public void I_can_read_a_malformed_online_list_by_falling_back_to_the_cpu_directories()
    {
        // Arrange
        using var tree = new HostTreeBuilder().File($"{Cpu}/online", "0-\n").Dir($"{Cpu}/cpu0").Dir($"{Cpu}/cpu1");

        // Act
        var cpus = new SysfsScanner(tree.Host).Scan().Topology.Cpus;

        // Assert
        Assert.Equal([0, 1], cpus.Select(c => c.Id));
    }

    private static void AddCpu(HostTreeBuilder tree, int id, int package, int core, string siblings, string l3, string l3Index = "index3")
    {
        var dir = $"{Cpu}/cpu{id}";
        tree.File($"{dir}/topology/physical_package_id", $"{package}\n")
            .File($"{dir}/topology/die_id", "0\n")
            .File($"{dir}/topology/core_id", $"{core}\n")
            .File($"{dir}/topology/thread_siblings_list", siblings + "\n")
            .File($"{dir}/cache/index0/level", "1\n")
            .File($"{dir}/cache/index0/shared_cpu_list", siblings + "\n")
            .File($"{dir}/cache/index2/level", "2\n")
            .File($"{dir}/cache/index2/shared_cpu_list", siblings + "\n")
            .File($"{dir}/cache/{l3Index}/level", "3\n")
            .File($"{dir}/cache/{l3Index}/shared_cpu_list", l3 + "\n");
    }
}
