using Lodge.Core.Planning;
using Lodge.Linux.Host;
using Lodge.Linux.Isolation;
using Lodge.Linux.Simulation;

namespace Lodge.Linux.Tests.Isolation;

/// <summary><c>[cpu] isolate = true</c>: systemd units limited while a guest runs, journaled, and restored after every fault.</summary>
public sealed class CpuIsolationSpecs : IDisposable
{
    private static readonly IReadOnlyList<int> Housekeeping = [0, 1, 8, 9];

    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-isolation-").FullName;

    private string JournalPath => Path.Combine(_dir, "isolation.journal");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 120000)]
    public async Task I_can_isolate_the_host_while_a_busy_systemd_takes_11_s_to_answer_and_get_the_unit_limited()
    {
        // Arrange: lab scenario 10 on 6.12 under load, where systemd took more than 10 s for system.slice.
        var systemd = new SimulatedCpuIsolation { Latency = TimeSpan.FromSeconds(11) }.With("system.slice", []);
        var isolator = new CpuIsolator(systemd, new CpuIsolationJournal(JournalPath));

        // Act
        var error = await Record.ExceptionAsync(() => isolator.ApplyAsync("win11", ["system.slice"], Housekeeping));
        var during = systemd.State;

        // Assert
        Assert.Null(error);
        Assert.Equal("system.slice=0-1,8-9", during);
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_have_systemd_carry_out_an_abandoned_limit_late_and_still_get_every_unit_back()
    {
        // Arrange: every call takes 300 ms, the caller gives each 50 ms; systemd still carries out what it received, in order.
        var systemd = new SimulatedCpuIsolation { Latency = TimeSpan.FromMilliseconds(300) }.With("system.slice", []).With("user.slice", []).With("init.scope", []);
        var start = systemd.State;
        var journal = new CpuIsolationJournal(JournalPath);

        // Act: the limit is abandoned, and so is the undo that follows it (queued behind it).
        var error = await Record.ExceptionAsync(() => new CpuIsolator(systemd, journal, TimeSpan.FromMilliseconds(50)).ApplyAsync("g", MachinePlanner.IsolatedUnits, Housekeeping));
        var journalKept = !journal.IsClean;
        var rescued = await new CpuIsolator(systemd, new CpuIsolationJournal(JournalPath)).RestoreAsync(MachinePlanner.IsolatedUnits);

        // Assert
        Assert.IsType<HostWriteTimeoutException>(error);
        Assert.True(journalKept, "The undo was abandoned too, so the journal must still name the unit for 'lodge rescue'.");
        Assert.True(rescued);
        Assert.Equal(start, systemd.State);
        Assert.True(new CpuIsolationJournal(JournalPath).IsClean);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_isolate_the_hosts_units_while_a_guest_runs_and_get_them_back_at_stop()
    {
        // Arrange: user.slice already had a limit of its own.
        var systemd = new SimulatedCpuIsolation().With("user.slice", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
        var isolator = new CpuIsolator(systemd, new CpuIsolationJournal(JournalPath));

        // Act
        await isolator.ApplyAsync("win11", MachinePlanner.IsolatedUnits, Housekeeping);
        var during = systemd.State;
        var journaled = File.ReadAllText(JournalPath);
        var restored = await isolator.RestoreAsync(MachinePlanner.IsolatedUnits);

        // Assert
        Assert.Equal("init.scope=0-1,8-9;system.slice=0-1,8-9;user.slice=0-1,8-9", during);
        Assert.Contains("\"unit\":\"user.slice\",\"previous\":\"0-15\"", journaled, StringComparison.Ordinal);
        Assert.True(restored);
        Assert.Equal("init.scope=;system.slice=;user.slice=0-15", systemd.State);
        Assert.False(File.Exists(JournalPath));
    }

    public static TheoryData<string, int> Faults()
    {
        var data = new TheoryData<string, int>();
        foreach (var kind in new[] { SimulationFault.Fail, SimulationFault.Hang, SimulationFault.Crash })
        {
            for (var step = 1; step <= MachinePlanner.IsolatedUnits.Count; step++)
            {
                data.Add(kind, step);
            }
        }

        return data;
    }

    [Theory(Timeout = 15000)]
    [MemberData(nameof(Faults))]
    public async Task I_can_have_a_fault_at_any_step_of_isolation_and_get_every_unit_back(string kind, int step)
    {
        // Arrange
        var systemd = new SimulatedCpuIsolation().With("system.slice", []).With("user.slice", [0, 1, 2, 3]).With("init.scope", []);
        var start = systemd.State;
        systemd.Inject = new SimulationFault(kind, step);
        var journal = new CpuIsolationJournal(JournalPath);

        // Act
        var error = await Record.ExceptionAsync(() => new CpuIsolator(systemd, journal, TimeSpan.FromMilliseconds(50)).ApplyAsync("g", MachinePlanner.IsolatedUnits, Housekeeping));
        if (kind == SimulationFault.Crash)
        {
            // The process died: rescue (or the next start, or the boot unit) is a new process that reads the journal.
            Assert.IsType<SimulatedCrashException>(error);
            Assert.False(journal.IsClean);
            Assert.True(await new CpuIsolator(systemd, new CpuIsolationJournal(JournalPath)).RestoreAsync(MachinePlanner.IsolatedUnits));
        }
        else
        {
            Assert.IsAssignableFrom<HostWriteException>(error);
            Assert.Equal(kind == SimulationFault.Hang, error is HostWriteTimeoutException);
        }

        var second = await new CpuIsolator(systemd, journal).RestoreAsync(MachinePlanner.IsolatedUnits);

        // Assert
        Assert.Equal(start, systemd.State);
        Assert.True(journal.IsClean);
        Assert.True(second);
    }

    [Fact(Timeout = 15000)]
    public async Task I_get_the_guests_qemu_moved_to_its_own_machine_slice_scope_before_any_unit_is_limited()
    {
        // Arrange
        var systemd = new SimulatedCpuIsolation().With("system.slice", []).With("user.slice", []).With("init.scope", []);
        var isolator = new CpuIsolator(systemd, new CpuIsolationJournal(JournalPath));

        // Act
        await isolator.ApplyAsync("win11", MachinePlanner.IsolatedUnits, Housekeeping, default, 4242);

        // Assert
        Assert.Equal("lodge-win11.scope", systemd.Scopes[4242]);
        Assert.Equal("init.scope=0-1,8-9;system.slice=0-1,8-9;user.slice=0-1,8-9", systemd.State);
    }

    [Fact(Timeout = 15000)]
    public async Task I_get_no_unit_limited_when_qemu_cannot_leave_the_hosts_slices()
    {
        // Arrange: left in user.slice, the limit would pull QEMU's pinned vCPUs onto the housekeeping CPUs.
        var systemd = new SimulatedCpuIsolation { FailMove = true }.With("system.slice", []).With("user.slice", []).With("init.scope", []);
        var start = systemd.State;
        var journal = new CpuIsolationJournal(JournalPath);

        // Act
        var error = await Record.ExceptionAsync(() => new CpuIsolator(systemd, journal).ApplyAsync("win11", MachinePlanner.IsolatedUnits, Housekeeping, default, 4242));

        // Assert
        Assert.IsType<HostWriteException>(error);
        Assert.Equal(start, systemd.State);
        Assert.Equal(0, systemd.SetCalls);
        Assert.True(journal.IsClean);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_restore_from_an_unreadable_journal_by_lifting_every_limit()
    {
        // Arrange
        var systemd = new SimulatedCpuIsolation().With("system.slice", [0, 1]).With("user.slice", [0, 1]).With("init.scope", [0, 1]);
        File.WriteAllText(JournalPath, "{\"guest\":\"g\",\"uni");

        // Act
        var ok = await new CpuIsolator(systemd, new CpuIsolationJournal(JournalPath)).RestoreAsync(MachinePlanner.IsolatedUnits);

        // Assert
        Assert.True(ok);
        Assert.Equal("init.scope=;system.slice=;user.slice=", systemd.State);
        Assert.False(File.Exists(JournalPath));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_see_the_isolation_journal_written_as_one_checksummed_line()
    {
        // Arrange
        var systemd = new SimulatedCpuIsolation().With("system.slice", []).With("user.slice", [0, 1, 2, 3]).With("init.scope", []);
        var journal = new CpuIsolationJournal(JournalPath);

        // Act
        await new CpuIsolator(systemd, journal).ApplyAsync("win11", MachinePlanner.IsolatedUnits, Housekeeping);
        var lines = File.ReadAllLines(JournalPath);
        var read = journal.Read();

        // Assert: '<8 hex of the body's SHA-256> <json>', as the handoff and hugepage journals write
        var line = Assert.Single(lines);
        Assert.Matches("^[0-9a-f]{8} \\{\"guest\":\"win11\",", line);
        Assert.Equal(line[9..], Lodge.Linux.Journals.ChecksummedLines.TryParse(line));
        Assert.Equal("win11", read!.Value.Guest);
        Assert.Equal("user.slice:0-3", string.Join(' ', read.Value.Units.Where(u => u.Previous.Count > 0).Select(u => $"{u.Unit}:{Cpus.Format(u.Previous)}")));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_restore_from_a_journal_of_the_older_plain_json_format()
    {
        // Arrange: what Lodge wrote before the checksum
        var systemd = new SimulatedCpuIsolation().With("system.slice", [0]).With("user.slice", [0]).With("init.scope", [0]);
        File.WriteAllText(JournalPath, "{\"guest\":\"win11\",\"units\":[{\"unit\":\"system.slice\",\"previous\":\"\"},{\"unit\":\"user.slice\",\"previous\":\"0-3\"},{\"unit\":\"init.scope\",\"previous\":\"\"}]}\n");

        // Act
        var guest = new CpuIsolationJournal(JournalPath).Read()?.Guest;
        var ok = await new CpuIsolator(systemd, new CpuIsolationJournal(JournalPath)).RestoreAsync(MachinePlanner.IsolatedUnits);

        // Assert: the recorded values come back, not a blanket lift
        Assert.Equal("win11", guest);
        Assert.True(ok);
        Assert.Equal("init.scope=;system.slice=;user.slice=0-3", systemd.State);
        Assert.False(File.Exists(JournalPath));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_restore_from_a_journal_whose_checksum_fails_by_lifting_every_limit_never_believing_it()
    {
        // Arrange: a checksummed line with one byte of its body changed (user.slice's previous 0-3 became 0-2)
        var systemd = new SimulatedCpuIsolation().With("system.slice", [0]).With("user.slice", [0]).With("init.scope", [0]);
        var line = Lodge.Linux.Journals.ChecksummedLines.Format("{\"guest\":\"win11\",\"units\":[{\"unit\":\"user.slice\",\"previous\":\"0-3\"}]}");
        File.WriteAllText(JournalPath, line.Replace("0-3", "0-2", StringComparison.Ordinal) + "\n");

        // Act
        var read = new CpuIsolationJournal(JournalPath).Read();
        var ok = await new CpuIsolator(systemd, new CpuIsolationJournal(JournalPath)).RestoreAsync(MachinePlanner.IsolatedUnits);

        // Assert
        Assert.Equal(("", 0), (read!.Value.Guest, read.Value.Units.Count));
        Assert.True(ok);
        Assert.Equal("init.scope=;system.slice=;user.slice=", systemd.State);
    }

    [Fact]
    public void I_can_turn_a_cpu_list_into_systemds_mask_and_back()
    {
        // Act
        var mask = Cpus.ToMask([0, 1, 8, 9, 17]);

        // Assert: bit N of byte N/8.
        Assert.Equal([0b11, 0b11, 0b10], mask);
        Assert.Equal([0, 1, 8, 9, 17], Cpus.FromMask(mask));
        Assert.Empty(Cpus.ToMask([]));
    }
}

/// <summary>A stopped guest's clean-up (down, crash, failed start, stale state) undoes its isolation.</summary>
public sealed class GuestIsolationCleanSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-isolation-clean-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 15000)]
    public async Task I_get_the_hosts_CPUs_back_when_an_isolated_guests_state_is_cleaned()
    {
        // Arrange
        var systemd = new SimulatedCpuIsolation().With("system.slice", []).With("user.slice", []).With("init.scope", []);
        var start = systemd.State;
        var store = new Lodge.Linux.Runtime.GuestStateStore(new Lodge.Linux.Runtime.RuntimeRoots(Path.Combine(_dir, "run"), Path.Combine(_dir, "state")), null, systemd);
        await store.Isolator().ApplyAsync("g", MachinePlanner.IsolatedUnits, [0, 1]);
        var during = systemd.State;
        Directory.CreateDirectory(store.Roots.RunDir("g"));
        var state = new Lodge.Linux.Runtime.GuestState("g", Lodge.Linux.Runtime.GuestPhase.Running, DateTimeOffset.UnixEpoch, null, null, [], Path.Combine(_dir, "qmp.sock"), null, [], [], [], null, Isolated: true);

        // Act
        store.Clean(state);

        // Assert
        Assert.NotEqual(start, during);
        Assert.Equal(start, systemd.State);
        Assert.True(store.Isolator().Journal.IsClean);
    }
}
