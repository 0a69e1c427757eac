using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Sysfs;

public class MemorySpecs
{
    private const string Meminfo = """
        MemTotal:       65748212 kB
        MemFree:        52391884 kB
        MemAvailable:   60112040 kB
        HugePages_Total:       8
        HugePages_Free:        8
        Hugepagesize:       2048 kB
        Hugetlb:        16777216 kB
        """;

    [Fact]
    public void I_can_read_the_memory_totals_and_every_hugepage_pool()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/proc/meminfo", Meminfo)
            .File("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "4096\n")
            .File("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "4000\n")
            .File("/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "8\n")
            .File("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", "8\n");

        // Act
        var memory = new SysfsScanner(tree.Host).Scan().Memory;

        // Assert
        Assert.Equal(65748212, memory.TotalKiB);
        Assert.Equal(60112040, memory.AvailableKiB);
        Assert.Equal(2048, memory.DefaultHugePageKiB);
        Assert.Equal([(2048L, 4096L, 4000L), (1048576L, 8L, 8L)], memory.HugePages.Select(p => (p.PageSizeKiB, p.Total!.Value, p.Free!.Value)));
    }

    [Fact]
    public void I_get_unknown_totals_but_still_the_pools_when_meminfo_is_missing()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "0\n")
            .File("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "0\n");

        // Act
        var memory = new SysfsScanner(tree.Host).Scan().Memory;

        // Assert
        Assert.Null(memory.TotalKiB);
        Assert.Null(memory.AvailableKiB);
        Assert.Null(memory.DefaultHugePageKiB);
        Assert.Equal(2048, Assert.Single(memory.HugePages).PageSizeKiB);
    }

    [Fact]
    public void I_can_read_malformed_memory_files_and_get_unknowns_instead_of_an_error()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/proc/meminfo", "MemTotal: lots kB\nMemAvailable\n: 5 kB\nHugepagesize:   -2048 kB\n")
            .File("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "many\n")
            .Dir("/sys/kernel/mm/hugepages/hugepages-2048kB-extra")
            .Dir("/sys/kernel/mm/hugepages/hugepages-99999999999999999999kB");

        // Act
        var memory = new SysfsScanner(tree.Host).Scan().Memory;

        // Assert
        Assert.Null(memory.TotalKiB);
        Assert.Null(memory.AvailableKiB);
        Assert.Null(memory.DefaultHugePageKiB);
        var pool = Assert.Single(memory.HugePages);
        Assert.Null(pool.Total);
        Assert.Null(pool.Free);
    }
}
