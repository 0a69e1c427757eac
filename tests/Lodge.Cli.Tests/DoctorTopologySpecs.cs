using System.Text.Json;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary><c>lodge doctor --json</c> reports the CPU topology as data (libvirt 9.0.0's virhostcpudata trees, tests/data/cpu).</summary>
public sealed class DoctorTopologySpecs
{
    private static readonly string Dir = Path.Combine(RepoPaths.Root, "tests", "data", "cpu", "libvirt-9.0.0");

    [Fact]
    public void I_can_read_packages_cores_threads_and_NUMA_nodes_with_memory_from_doctor_json()
    {
        // Act: Opteron 6282 SE, 4 packages, 8 nodes, 32 cores of 2 threads.
        var result = CliRun.Run("doctor", "--json", "--root", Path.Combine(Dir, "x86_64-test8"));

        // Assert
        Assert.Equal("", result.Error);
        var t = JsonDocument.Parse(result.Out).RootElement.GetProperty("topology");
        Assert.Equal(4, t.GetProperty("packages").GetInt32());
        Assert.Equal(32, t.GetProperty("cores").GetInt32());
        Assert.Equal(2, t.GetProperty("threadsPerCore").GetInt32());
        Assert.Equal("kernel", t.GetProperty("coreSource").GetString());
        Assert.Equal(64, t.GetProperty("online").GetInt32());
        Assert.Equal(64, t.GetProperty("present").GetInt32());
        var nodes = t.GetProperty("numaNodes").EnumerateArray().ToList();
        Assert.Equal(8, nodes.Count);
        Assert.Equal("0,4,8,12,16,20,24,28", nodes[0].GetProperty("cpus").GetString());
        Assert.True(nodes[0].GetProperty("memTotalKiB").GetInt64() > 0);
        Assert.Empty(t.GetProperty("l3Domains").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, t.GetProperty("hybrid").ValueKind);
    }

    [Fact]
    public void I_get_null_NUMA_nodes_and_a_cpuinfo_core_count_when_the_tree_lacks_them()
    {
        // Act: no /sys/devices/system/node; no sibling lists, /proc/cpuinfo says siblings = cpu cores.
        var json = CliRun.Run("doctor", "--json", "--root", Path.Combine(Dir, "x86_64-test7")).Out;
        var text = CliRun.Run("doctor", "--root", Path.Combine(Dir, "x86_64-test5")).Console;

        // Assert
        var t = JsonDocument.Parse(json).RootElement.GetProperty("topology");
        Assert.Equal(24, t.GetProperty("cores").GetInt32());
        Assert.Equal("cpuinfo", t.GetProperty("coreSource").GetString());
        Assert.Contains("the NUMA layout is unknown", text, StringComparison.Ordinal);
        Assert.Contains("SMT", text, StringComparison.Ordinal);
    }
}
