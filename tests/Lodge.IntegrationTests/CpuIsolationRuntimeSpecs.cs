using Lodge.Core.Runtime;
using Lodge.Linux.Isolation;
using Lodge.Linux.Runtime;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>The runtime's order with a real TCG QEMU over simulated systemd and hugepage pools: pages reserved (and
/// journaled) before QEMU starts, the vCPU thread pinned on this machine's kernel, QEMU moved to its scope, the host's
/// units limited; a QEMU killed with SIGKILL gives every unit and pool back through the supervisor's clean-up.</summary>
public sealed class CpuIsolationRuntimeSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_run_an_isolated_guest_with_hugepages_and_get_the_host_back_when_its_QEMU_is_killed()
    {
        // Arrange: vCPU 0 on CPU 1, everything else (and the host's units) on CPU 0.
        if (Environment.ProcessorCount < 2)
        {
            Assert.Fail("This spec pins the vCPU to CPU 1 and needs a host with 2 CPUs.");
        }

        var systemd = new SimulatedCpuIsolation().With("system.slice", []).With("user.slice", []).With("init.scope", []);
        var pool = new HugePageAllocation(1, 2048, 64);
        var pools = new SimulatedHugePages().With(pool, 0);
        var (units, pages) = (systemd.State, pools.State);
        fixture.WriteSpec("iso", "9p", fixture.NewShare("iso"));
        var spec = fixture.Spec("iso") with { Pinning = new CpuPinning([1], [0], [0]), HugePages = pool };
        var runtime = new GuestRuntime(fixture.Roots, isolation: systemd, hugePages: pools);

        // Act
        var guest = await runtime.StartAsync(spec);
        var qemu = guest.Qemu.Pid;
        var state = runtime.Store.Read("iso")!;
        var unitsWhileRunning = systemd.State;
        var pagesWhileRunning = pools.Read(pool);
        var affinities = Affinities(qemu);
        var journals = (File.Exists(runtime.Store.IsolationJournalPath), File.Exists(runtime.Store.HugePageJournalPath));
        Lodge.Linux.Processes.ProcessTable.Signal(qemu, Lodge.Linux.Processes.ProcessTable.StartTicks(qemu) ?? 0, 9);
        var exit = await guest.Exited.WaitAsync(Patience.Event);

        // Assert
        Assert.Equal("lodge-iso.scope", systemd.Scopes[qemu]);
        Assert.Equal("init.scope=0;system.slice=0;user.slice=0", unitsWhileRunning);
        Assert.Equal(64, pagesWhileRunning);
        Assert.Single(affinities.Split(' '), a => a == "1"); // the one vCPU thread (query-cpus-fast's thread-id)
        Assert.All(affinities.Split(' '), a => Assert.True(a is "0" or "1", affinities)); // every other thread on the emulator CPU
        Assert.True(state.Isolated);
        Assert.Equal(pool, state.HugePages);
        Assert.Equal((true, true), journals);
        Assert.False(exit.Clean);
        Assert.Equal(units, systemd.State);
        Assert.Equal(pages, pools.State);
        Assert.False(File.Exists(runtime.Store.IsolationJournalPath));
        Assert.False(File.Exists(runtime.Store.HugePageJournalPath));
        Assert.Null(runtime.Store.Read("iso"));
    }

    // The kernel's own answer: Cpus_allowed_list of every QEMU thread, sorted (QEMU names no thread without debug-threads=on).
    private static string Affinities(int pid) =>
        string.Join(' ', Directory.EnumerateDirectories($"/proc/{pid}/task")
            .Select(task => File.ReadAllLines(Path.Combine(task, "status")).First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split('\t')[^1].Trim())
            .Order(StringComparer.Ordinal));
}
