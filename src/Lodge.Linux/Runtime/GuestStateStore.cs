using Lodge.Linux.Processes;

namespace Lodge.Linux.Runtime;

/// <summary>Reads, writes and cleans the state.json files below the run root, and finds stale ones left by a killed lodge.</summary>
public sealed partial class GuestStateStore(RuntimeRoots roots, Host.IMdevControl? mdevControl = null, Isolation.ICpuIsolationControl? isolationControl = null, HugePages.IHugePageControl? hugePageControl = null, Handoff.ControllerEnvironment? controllers = null)
{
    private readonly Host.IMdevControl _mdev = mdevControl ?? new Host.SysfsMdevControl(new HostRoot("/"));
    private readonly Handoff.ControllerEnvironment _controllers = controllers ?? Handoff.ControllerEnvironment.Production(new HostRoot("/"), new ProcessRunner(), roots.RunRoot);

    /// <summary>The roots this store reads.</summary>
    public RuntimeRoots Roots { get; } = roots;

    /// <summary>The recorded state of <paramref name="machine"/>, or null when there is none (or it is unreadable).</summary>
    public GuestState? Read(string machine)
    {
        var path = Roots.StateFile(machine);
        try
        {
            return File.Exists(path) ? GuestStateJson.Read(File.ReadAllText(path)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Writes state.json whole through a rename, without fsync: it lives in the run folder and means nothing after
    /// a reboot (<see cref="AtomicFile.WriteVolatileText"/>).</summary>
    public void Write(GuestState state)
    {
        var path = Roots.StateFile(state.Machine);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteVolatileText(path, GuestStateJson.Write(state));
    }

    /// <summary>The machines that have a state.json, live or stale.</summary>
    public IReadOnlyList<string> Machines()
    {
        if (!Directory.Exists(Roots.RunRoot))
        {
            return [];
        }

        return Directory.EnumerateDirectories(Roots.RunRoot)
            .Where(d => File.Exists(Path.Combine(d, "state.json")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The states of every other guest whose QEMU (or supervisor) is alive.</summary>
    public IEnumerable<GuestState> LiveOthers(string machine) =>
        Machines().Where(m => m != machine).Select(Read).OfType<GuestState>().Where(IsLive);

    /// <summary>True while the guest's QEMU runs, or while its supervisor is still starting it.</summary>
    public static bool IsLive(GuestState state) =>
        state.Qemu is { } q ? ProcessTable.IsAlive(q.Pid, q.StartTicks) : state.Supervisor is { } s && ProcessTable.IsAlive(s.Pid, s.StartTicks);

    /// <summary>Checks the recorded state of <paramref name="machine"/> against /proc and cleans what a killed lodge left behind.</summary>
    /// <returns>The live state (with a dead supervisor dropped), or null; <paramref name="cleaned"/> says what was cleaned, if anything.</returns>
    public GuestState? Refresh(string machine, out string? cleaned)
    {
        cleaned = null;
        var state = Read(machine);
        if (state is null)
        {
            return null;
        }

        if (!IsLive(state))
        {
            var why = state.Qemu is { } q ? $"its QEMU (pid {q.Pid}) is gone" : "it never got past starting";
            var stopped = StopProcesses(state.Helpers);
            Clean(state);
            cleaned = $"Cleaned stale state of '{machine}': {why}; {stopped} leftover helper(s) stopped.";
            return null;
        }

        if (state.Supervisor is { } supervisor && !ProcessTable.IsAlive(supervisor.Pid, supervisor.StartTicks))
        {
            state = state with { Supervisor = null };
            Write(state);
            cleaned = $"Cleaned stale state of '{machine}': its supervisor (pid {supervisor.Pid}) was killed; the guest keeps running unsupervised, and 'lodge down {machine}' still stops it and its helpers.";
        }

        return state;
    }

    /// <summary>Removes state.json and the sockets of a stopped guest; logs and .args files stay for <c>lodge logs</c>.</summary>
    public void Clean(GuestState state)
    {
        var sockets = state.Processes.Select(p => p.Socket).Append(state.QmpSocket).Append(state.SerialSocket);
        foreach (var socket in sockets.OfType<string>())
        {
            // HOST EFFECT: removes a socket of a stopped guest; the next start creates it again.
            File.Delete(socket);
        }

        if (state.Mdev is { } mdev && _mdev.Exists(mdev))
        {
            try
            {
                // HOST EFFECT: removes the guest's GVT-g slice; the next start creates it again (same UUID).
                _mdev.RemoveAsync(mdev, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            }
            catch (Host.HostWriteException)
            {
                // A slice that will not go is reused by the next start of the same guest (its UUID is fixed).
            }
        }

        if (state.Isolated)
        {
            // HOST EFFECT: gives system.slice, user.slice and init.scope their journaled AllowedCPUs back; a failure
            // leaves the journal for 'lodge rescue' and the boot unit.
            Isolator().RestoreAsync(Core.Planning.MachinePlanner.IsolatedUnits).GetAwaiter().GetResult();
        }

        ReleaseHugePages(state);

        // HOST EFFECT: the guest's passed controllers go back to their drivers (QEMU is gone); a failed undo stays in
        // the machine's controllers.journal for the next start, 'lodge rescue' and the boot unit.
        ReleaseControllersAsync(state.Machine).GetAwaiter().GetResult();
        File.Delete(Roots.StateFile(state.Machine));
        File.Delete(PidFile(state.Machine));
    }

    /// <summary>The hugepage journal of these roots: <c>{StateRoot}/hugepages.journal</c>.</summary>
    public string HugePageJournalPath => Path.Combine(Roots.StateRoot, "hugepages.journal");

    /// <summary>The hugepage allocator over this store's pool control and journal.</summary>
    public HugePages.HugePageAllocator HugePageAllocator() =>
        new(hugePageControl ?? new HugePages.SysfsHugePageControl(new HostRoot("/")), new HugePages.HugePageJournal(HugePageJournalPath));

    /// <summary>Gives back the hugepages of every guest that no longer runs (<c>lodge rescue</c>, and each start before its own).</summary>
    /// <exception cref="HugePages.HugePageJournalDamagedException">The journal is damaged: nothing is released.</exception>
    public IReadOnlyList<HugePages.HugePageRelease> ReleaseStaleHugePages() =>
        HugePageAllocator().ReleaseStaleAsync(guest => Refresh(guest, out _) is not null).GetAwaiter().GetResult();

    // Gives back the guest's journaled hugepages; a release that fails stays in the journal for the next start,
    // 'lodge rescue', status and doctor, so state.json can go.
    private void ReleaseHugePages(GuestState state)
    {
        var allocator = HugePageAllocator();
        try
        {
            if (state.HugePages is { } pool)
            {
                // A state.json written by an older Lodge, which kept the reservation only there.
                allocator.Adopt(state.Machine, pool, state.HugePagesBefore);
            }

            // HOST EFFECT: gives the guest's hugepages back to the kernel.
            allocator.ReleaseGuestAsync(state.Machine).GetAwaiter().GetResult();
        }
        catch (HugePages.HugePageJournalDamagedException)
        {
            // Nothing in a damaged journal is acted on; rescue, status and doctor say so.
        }
    }

    /// <summary>The isolation journal of these roots: <c>{StateRoot}/isolation.journal</c>.</summary>
    public string IsolationJournalPath => Path.Combine(Roots.StateRoot, "isolation.journal");

    /// <summary>The isolator over this store's systemd control and journal.</summary>
    public Isolation.CpuIsolator Isolator() =>
        new(isolationControl ?? new Isolation.SystemdCpuIsolationControl(), new Isolation.CpuIsolationJournal(IsolationJournalPath));

    /// <summary>The pid file of one guest's QEMU: <c>{RunDir}/qemu.pid</c>, what <c>lodge rescue</c> reads to stop a stuck guest.</summary>
    public string PidFile(string machine) => Path.Combine(Roots.RunDir(machine), "qemu.pid");

    /// <summary>Writes <see cref="PidFile"/>; removed again by <see cref="Clean"/>.</summary>
    public void WritePidFile(string machine, int pid) =>
        File.WriteAllText(PidFile(machine), pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");

    /// <summary>Sends SIGTERM to each live process (in reverse order), then SIGKILL after 3 s; returns how many were alive.</summary>
    public static int StopProcesses(IReadOnlyList<GuestProcessState> processes, TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        var alive = processes.Reverse().Where(p => ProcessTable.IsAlive(p.Pid, p.StartTicks)).ToList();
        foreach (var process in alive)
        {
            ProcessTable.Signal(process.Pid, process.StartTicks, 15);
        }

        var started = clock.GetTimestamp();
        while (alive.Any(p => ProcessTable.IsAlive(p.Pid, p.StartTicks)) && clock.GetElapsedTime(started) < TimeSpan.FromSeconds(3))
        {
            Thread.Sleep(20);
        }

        foreach (var process in alive)
        {
            ProcessTable.Signal(process.Pid, process.StartTicks, 9);
        }

        return alive.Count;
    }
}
