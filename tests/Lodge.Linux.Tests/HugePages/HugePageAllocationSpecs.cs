using Lodge.Core.Runtime;
using Lodge.Linux.HugePages;
using Lodge.Linux.Runtime;
using Lodge.Linux.Simulation;

namespace Lodge.Linux.Tests.HugePages;

/// <summary><c>hugepages = "auto"</c>: pages allocated on the vCPUs' node at start and freed at stop, over simulated pools with faults.</summary>
public sealed class HugePageAllocationSpecs : IDisposable
{
    private static readonly HugePageAllocation Node1 = new(1, 2048, 4096);

    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-hugepages-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 15000)]
    public async Task I_can_allocate_a_guests_pages_on_its_node_and_free_them_at_stop()
    {
        // Arrange
        var pools = new SimulatedHugePages().With(Node1, 16).With(Node1 with { Node = 0 }, 0);
        var start = pools.State;
        var store = Store(pools);

        // Act
        var before = await store.HugePageAllocator().AllocateAsync(Node1);
        var during = pools.State;
        store.Clean(State(before));

        // Assert
        Assert.Equal(16, before);
        Assert.Contains("/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages=4112", during, StringComparison.Ordinal);
        Assert.Contains("node0/hugepages/hugepages-2048kB/nr_hugepages=0", during, StringComparison.Ordinal);
        Assert.Equal(start, pools.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_get_a_clear_error_with_the_boot_time_fallback_when_memory_is_too_fragmented()
    {
        // Arrange
        var pools = new SimulatedHugePages { Capacity = 1000 }.With(Node1, 0);

        // Act
        var error = await Assert.ThrowsAsync<HugePageAllocationException>(() => new HugePageAllocator(pools).AllocateAsync(Node1));

        // Assert
        Assert.Equal("Only 1000 of 4096 2M hugepages could be allocated on NUMA node 1: its free memory is too fragmented.", error.Message);
        Assert.Contains("lodge setup", error.Hint, StringComparison.Ordinal);
        Assert.Equal(3, error.ExitCode);
        Assert.Equal(0, pools.Read(Node1));
    }

    public static TheoryData<string, int> Faults()
    {
        var data = new TheoryData<string, int>();
        foreach (var kind in new[] { SimulationFault.Fail, SimulationFault.Hang, SimulationFault.Crash })
        {
            // Write 1 grows the pool at start, write 2 shrinks it at stop.
            data.Add(kind, 1);
            data.Add(kind, 2);
        }

        return data;
    }

    [Theory(Timeout = 15000)]
    [MemberData(nameof(Faults))]
    public async Task I_can_have_a_fault_at_any_hugepage_write_and_get_the_pool_back(string kind, int write)
    {
        // Arrange
        var pools = new SimulatedHugePages().With(Node1, 8);
        var start = pools.State;
        pools.Inject = new SimulationFault(kind, write);
        var store = Store(pools);
        var allocator = new HugePageAllocator(pools, TimeSpan.FromMilliseconds(50));

        // Act: start, then stop (the state store's clean-up, which also runs for a crashed guest's stale state).
        long? before = null;
        var startError = await Record.ExceptionAsync(async () => before = await allocator.AllocateAsync(Node1));
        if (startError is SimulatedCrashException)
        {
            // The process died after the write: the state it had recorded is cleaned by the next lodge command.
            before = 8;
        }

        if (before is { } b)
        {
            var stopError = Record.Exception(() => store.Clean(State(b)));
            if (stopError is SimulatedCrashException or null && pools.Read(Node1) != 8)
            {
                store.Clean(State(b));
            }
        }

        // Assert
        Assert.Equal(start, pools.State);
        if (write == 1 && kind != SimulationFault.Crash)
        {
            Assert.IsType<HugePageAllocationException>(startError);
        }
    }

    private GuestStateStore Store(SimulatedHugePages pools)
    {
        var store = new GuestStateStore(new RuntimeRoots(Path.Combine(_dir, "run"), Path.Combine(_dir, "state")), null, null, pools);
        Directory.CreateDirectory(store.Roots.RunDir("g"));
        return store;
    }

    private GuestState State(long before) =>
        new("g", Lodge.Linux.Runtime.GuestPhase.Running, DateTimeOffset.UnixEpoch, null, null, [], Path.Combine(_dir, "qmp.sock"), null, [], [], [], null, false, Node1, before);
}
