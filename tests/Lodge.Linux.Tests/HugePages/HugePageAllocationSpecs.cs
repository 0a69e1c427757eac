using Lodge.Core.Runtime;
using Lodge.Linux.HugePages;
using Lodge.Linux.Runtime;
using Lodge.Linux.Simulation;

namespace Lodge.Linux.Tests.HugePages;

/// <summary><c>hugepages = "auto"</c>: pages allocated on the vCPUs' node at start and freed at stop, over simulated pools with faults; every reservation journaled until the pool has it back.</summary>
public sealed class HugePageAllocationSpecs : IDisposable
{
    private static readonly HugePageAllocation Node1 = new(1, 2048, 4096);

    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-hugepages-").FullName;

    private string JournalPath => Path.Combine(_dir, "state", "hugepages.journal");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 15000)]
    public async Task I_can_allocate_a_guests_pages_on_its_node_and_free_them_at_stop()
    {
        // Arrange
        var pools = new SimulatedHugePages().With(Node1, 16).With(Node1 with { Node = 0 }, 0);
        var start = pools.State;
        var store = Store(pools);

        // Act
        var before = await store.HugePageAllocator().AllocateAsync("g", Node1);
        var during = pools.State;
        var journaled = new HugePageJournal(JournalPath).Read();
        store.Clean(State(before));

        // Assert
        Assert.Equal(16, before);
        Assert.Contains("/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages=4112", during, StringComparison.Ordinal);
        Assert.Contains("node0/hugepages/hugepages-2048kB/nr_hugepages=0", during, StringComparison.Ordinal);
        Assert.Equal([new HugePageReservation("g", Node1, 16, 4096)], journaled.Reservations);
        Assert.Equal(start, pools.State);
        Assert.False(File.Exists(JournalPath));
    }

    [Fact(Timeout = 15000)]
    public async Task I_get_a_clear_error_with_the_boot_time_fallback_when_memory_is_too_fragmented()
    {
        // Arrange
        var pools = new SimulatedHugePages { Capacity = 1000 }.With(Node1, 0);

        // Act
        var error = await Assert.ThrowsAsync<HugePageAllocationException>(() => Store(pools).HugePageAllocator().AllocateAsync("g", Node1));

        // Assert
        Assert.Equal("Only 1000 of 4096 2M hugepages could be allocated on NUMA node 1: its free memory is too fragmented.", error.Message);
        Assert.Contains("lodge setup", error.Hint, StringComparison.Ordinal);
        Assert.Equal(3, error.ExitCode);
        Assert.Equal(0, pools.Read(Node1));
        Assert.False(File.Exists(JournalPath));
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
    public async Task I_can_have_a_fault_at_any_hugepage_write_and_lodge_remembers_the_pages_until_rescue_gives_them_back(string kind, int write)
    {
        // Arrange: the guest's state.json as the runtime writes it (its QEMU gone: stale), the pool at 8.
        var pools = new SimulatedHugePages { HangTimeout = TimeSpan.FromMilliseconds(50) }.With(Node1, 8);
        var start = pools.State;
        pools.Inject = new SimulationFault(kind, write);
        var store = Store(pools);
        var state = State(0) with { HugePages = null };
        store.Write(state);

        // Act 1: start (the runtime's allocation, then state.json with the pool), then stop (the state store's clean-up,
        // which down, a crash's stale state and a failed start all run).
        var startError = await Record.ExceptionAsync(async () =>
        {
            var before = await store.HugePageAllocator().AllocateAsync("g", Node1);
            store.Write(state = State(before));
        });
        var stopError = startError is SimulatedCrashException ? null : Record.Exception(() => store.Clean(state));
        var afterStop = pools.Read(Node1);
        var journal = new HugePageJournal(JournalPath).Read();

        // Assert 1: the truth about the host. Pages still in the pool are in the journal, named for the guest.
        Assert.Null(journal.Damage);
        if (afterStop != 8)
        {
            Assert.Equal("g", Assert.Single(journal.Reservations).Guest);
        }

        if (write == 1 && kind != SimulationFault.Crash)
        {
            Assert.IsType<HugePageAllocationException>(startError);
        }

        if (write == 2 && kind != SimulationFault.Crash)
        {
            // The stop could not give the pages back: state.json is gone, and only the journal still knows them.
            Assert.Null(stopError);
            Assert.Equal(8 + 4096, afterStop);
            Assert.False(File.Exists(store.Roots.StateFile("g")));
        }

        // Act 2: 'lodge rescue' (a new process, no fault), twice.
        var rescuer = Store(pools);
        pools.Inject = null;
        var first = rescuer.ReleaseStaleHugePages();
        var second = rescuer.ReleaseStaleHugePages();

        // Assert 2: every case ends with the pool as it started and nothing held.
        Assert.All(first, r => Assert.True(r.Done));
        Assert.Empty(second);
        Assert.Equal(start, pools.State);
        Assert.False(File.Exists(JournalPath));
        Assert.False(File.Exists(store.Roots.StateFile("g")));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_stop_two_guests_of_one_pool_in_either_order_and_the_pool_ends_where_it_began()
    {
        foreach (var order in new[] { new[] { "a", "b" }, ["b", "a"] })
        {
            // Arrange
            var pools = new SimulatedHugePages().With(Node1, 16);
            var store = Store(pools);
            var a = await store.HugePageAllocator().AllocateAsync("a", Node1);
            var b = await store.HugePageAllocator().AllocateAsync("b", Node1 with { Count = 100 });

            // Act
            var first = await store.HugePageAllocator().ReleaseGuestAsync(order[0]);
            var middle = pools.Read(Node1);
            var second = await store.HugePageAllocator().ReleaseGuestAsync(order[1]);

            // Assert
            Assert.Equal((16, 4112), (a, b));
            Assert.Equal(order[0] == "a" ? 116 : 4112, middle);
            Assert.True(first.Concat(second).All(r => r.Done));
            Assert.Equal(16, pools.Read(Node1));
            Assert.False(File.Exists(JournalPath));
        }
    }

    [Fact(Timeout = 15000)]
    public async Task I_keep_pages_the_administrator_added_while_the_guest_ran()
    {
        // Arrange
        var pools = new SimulatedHugePages().With(Node1, 16);
        var store = Store(pools);
        await store.HugePageAllocator().AllocateAsync("g", Node1);
        await pools.SetAsync(Node1, 4112 + 50, TimeSpan.FromSeconds(1));

        // Act
        await store.HugePageAllocator().ReleaseGuestAsync("g");

        // Assert
        Assert.Equal(66, pools.Read(Node1));
    }

    [Fact]
    public void I_get_the_pages_of_a_state_json_from_an_older_lodge_back_too()
    {
        // Arrange: an older Lodge kept the reservation only in state.json.
        var pools = new SimulatedHugePages().With(Node1, 8 + 4096);
        var store = Store(pools);

        // Act
        store.Clean(State(8));

        // Assert
        Assert.Equal(8, pools.Read(Node1));
        Assert.False(File.Exists(JournalPath));
    }

    [Fact(Timeout = 15000)]
    public async Task I_get_nothing_released_or_reserved_from_a_damaged_journal_and_am_told_what_to_check()
    {
        // Arrange
        var pools = new SimulatedHugePages().With(Node1, 8 + 4096);
        var store = Store(pools);
        var line = Journals.ChecksummedLines.Format("{\"guest\":\"g\",\"node\":1,\"pageKiB\":2048,\"count\":4096,\"before\":8,\"held\":4096}");
        Directory.CreateDirectory(Path.GetDirectoryName(JournalPath)!);
        File.WriteAllText(JournalPath, line.Replace("\"before\":8", "\"before\":0", StringComparison.Ordinal) + "\n");

        // Act
        var rescue = Assert.Throws<HugePageJournalDamagedException>(() => store.ReleaseStaleHugePages());
        var start = await Assert.ThrowsAsync<HugePageJournalDamagedException>(() => store.HugePageAllocator().AllocateAsync("h", Node1));
        store.Clean(State(8));

        // Assert
        Assert.Equal($"Line(s) 1 of the hugepage journal '{JournalPath}' are damaged, so what Lodge still holds in the hugepage pools is not known.", rescue.Message);
        Assert.Contains($"mv '{JournalPath}' '{JournalPath}.damaged'", rescue.Hint, StringComparison.Ordinal);
        Assert.Equal(rescue.Message, start.Message);
        Assert.Equal(8 + 4096, pools.Read(Node1));
        Assert.True(File.Exists(JournalPath));
    }

    [Fact]
    public void I_can_read_back_every_reservation_the_journal_wrote_and_each_line_carries_its_checksum()
    {
        // Arrange
        var journal = new HugePageJournal(JournalPath);
        var a = new HugePageReservation("a", Node1, 16, null);
        var b = new HugePageReservation("b", new HugePageAllocation(null, 1048576, 4), 0, 4);

        // Act
        journal.Put(a);
        journal.Put(b);
        journal.Put(a with { Held = 4096 });
        var lines = File.ReadAllLines(JournalPath);

        // Assert
        Assert.Equal([a with { Held = 4096 }, b], journal.Read().Reservations);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Matches("^[0-9a-f]{8} \\{", l));
        Assert.Equal("{\"guest\":\"b\",\"node\":null,\"pageKiB\":1048576,\"count\":4,\"before\":0,\"held\":4}", Journals.ChecksummedLines.TryParse(lines[1]));
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
