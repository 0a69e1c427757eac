using Lodge.App.Machines;
using Lodge.Core;
using Lodge.Core.Doctor;
using Lodge.Core.Machines;
using Lodge.Core.Qemu;
using Lodge.Core.Runtime;
using Lodge.Linux.Processes;
using Lodge.Linux.Runtime;

namespace Lodge.App.Guests;

/// <summary>Guests: prepare and start one (<c>up</c>, in the foreground or under a supervisor), stop it, show its status,
/// find its console and logs, and plug USB devices in and out. Returns data; the CLI renders it.</summary>
public sealed partial class GuestService
{
    // The supervisor bounds the start itself (a living QEMU gets 5 minutes to answer QMP, then it is stopped and the
    // supervisor ends, which the wait sees); this only ends the wait on a supervisor that neither runs the guest nor ends.
    private static readonly TimeSpan DetachedStartWithin = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan UsbDetachWithin = TimeSpan.FromSeconds(10);
    private readonly LodgeHost _lodge;

    /// <summary>The guests of <paramref name="lodge"/>: below its run and state roots, timed by its clock.</summary>
    public GuestService(LodgeHost lodge)
    {
        ArgumentNullException.ThrowIfNull(lodge);
        _lodge = lodge;
        Runtime = lodge.Guests();
    }

    /// <summary>The runtime the guests run through.</summary>
    public GuestRuntime Runtime { get; }

    /// <summary>Plans the machine against this host, chooses the accelerator and builds the launch spec; resets the NVRAM
    /// and creates the share folders when asked. Throws when the machine has errors.</summary>
    /// <param name="request">What <c>up</c> was asked.</param>
    /// <param name="warning">Each warning (the plan's, no KVM), as it comes.</param>
    /// <param name="info">Each thing done on the way (NVRAM reset, share folder created).</param>
    public PreparedUp Prepare(UpRequest request, Action<string> warning, Action<string> info) =>
        PreparePlanned(request, Plan(request), warning, info);

    /// <summary>The plan <c>up</c> starts from: the machine planned against this host, with QEMU asked whether KVM works
    /// unless <c>--tcg</c> chose the accelerator already. Throws when the machine has errors.</summary>
    /// <param name="request">What <c>up</c> was asked.</param>
    public PlannedMachine Plan(UpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Under --tcg the accelerator is chosen already: asking QEMU whether KVM runs guest code would only cost time.
        return new MachineService(_lodge).Plan(request.Machine, probeKvm: !request.ForceTcg);
    }

    /// <summary><see cref="Prepare"/> from a plan <see cref="Plan"/> made already
    /// (<c>up</c> plans once: the same plan says whether the start is a handoff).</summary>
    /// <param name="request">What <c>up</c> was asked.</param>
    /// <param name="planned">The machine planned for <paramref name="request"/>.</param>
    /// <param name="warning">Each warning (the plan's, no KVM), as it comes.</param>
    /// <param name="info">Each thing done on the way (NVRAM reset, share folder created).</param>
    public PreparedUp PreparePlanned(UpRequest request, PlannedMachine planned, Action<string> warning, Action<string> info)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(warning);
        ArgumentNullException.ThrowIfNull(info);
        var name = request.Machine;
        var plan = planned.Plan;
        foreach (var w in plan.Warnings)
        {
            warning(w);
        }

        var handsOff = plan.Gpu.IsPassthrough && plan.Gpu.Mode is GpuMode.Handoff or GpuMode.Dedicated;
        var accel = "kvm";
        if (request.ForceTcg)
        {
            accel = "tcg";
        }
        else if (HostDoctor.KvmAvailable(planned.Host) != true)
        {
            warning("KVM is not available here, so the guest runs under QEMU's software emulator (TCG) and will be slow.");
            accel = "tcg";
        }

        var spec = LaunchSpecBuilder.Build(plan, new QemuArgvOptions(accel));
        if (request.ResetNvram)
        {
            GuestRuntime.ResetNvram(spec);
            info($"Reset the NVRAM of '{name}' from its template.");
        }

        foreach (var share in plan.Machine.Shares.Where(s => s.Create && !Directory.Exists(s.Host)))
        {
            // HOST EFFECT: creates the share folder the machine asks for with create = true ('lodge check' refused system trees).
            Directory.CreateDirectory(share.Host);
            info($"Created the share folder '{share.Host}'.");
        }

        return new PreparedUp(planned, spec, accel, handsOff);
    }

    /// <summary>Starts the supervisor of <paramref name="machine"/> ahead of its plan: a detached <c>lodge supervise NAME
    /// --await-start</c> (its own session, output to /dev/null) that does its own start-up while this process plans, and
    /// touches nothing of the guest until <see cref="StartDetachedAsync"/> tells it to begin. Disposing it unused sends it
    /// away (it reads end-of-file and exits), as does this process's end.</summary>
    /// <param name="machine">The machine, checked here like any name at the boundary.</param>
    /// <param name="superviseOptions">Extra options for <c>lodge supervise</c> (<see cref="DetachedSuperviseOptions"/>).</param>
    public PendingSupervisor SpawnSupervisor(string machine, IReadOnlyList<string>? superviseOptions = null) =>
        SpawnSupervisorIfPossible(machine, superviseOptions) ?? throw new GuestRuntimeException(machine, "Cannot find lodge's own executable to start a supervisor.");

    /// <summary><see cref="SpawnSupervisor"/>, or null when lodge's own executable is unknown (an in-process host).</summary>
    public PendingSupervisor? SpawnSupervisorIfPossible(string machine, IReadOnlyList<string>? superviseOptions = null)
    {
        MachineName.Require(machine, _lodge.Paths.Roots.RunRoot);
        if (_lodge.Executable is not { } self)
        {
            return null;
        }

        var gate = StartGate.Create();
        try
        {
            // HOST EFFECT: a background lodge that waits on the gate; it owns QEMU and its helpers once told to start.
            var process = SpawnedProcess.Start([self, "supervise", machine, "--await-start", .. superviseOptions ?? []], "/dev/null", newSession: true, gate: gate);
            return new PendingSupervisor(machine, process, gate, superviseOptions ?? []);
        }
        catch
        {
            gate.Dispose();
            throw;
        }
    }

    /// <summary>The options a detached start gives its supervisor: the outcome database, and the file in the run folder
    /// where <c>up</c> leaves the id of the report it opens (<see cref="DetachedReportId"/>).</summary>
    public IReadOnlyList<string> DetachedSuperviseOptions(string machine) =>
        ["--reports-db", Path.GetFullPath(_lodge.Paths.ReportsDatabase), "--report-id-file", Path.Combine(_lodge.Paths.Roots.RunDir(machine), DetachedReportId.FileName)];

    /// <summary>The supervisor's log in the run folder of <paramref name="machine"/>.</summary>
    public string SupervisorLog(string machine) => Path.Combine(Runtime.Store.Roots.RunDir(machine), "supervisor.log");

    /// <summary>Hands the spec to a detached <c>lodge supervise NAME</c> (its own session) and returns QEMU's pid once the
    /// guest runs; throws when the supervisor stops first or the guest does not run within 10 minutes.</summary>
    /// <param name="spec">The guest.</param>
    /// <param name="superviseOptions">Extra options for <c>lodge supervise</c> (the outcome database and the report to complete).</param>
    /// <param name="cancellationToken">Stops the wait (the supervisor keeps running).</param>
    /// <param name="spawned">Runs once the supervisor is told to start the guest (the outcome report is opened there).</param>
    /// <param name="early">A supervisor spawned ahead (<see cref="SpawnSupervisor"/>) with the same options; null spawns one
    /// now. One that has gone meanwhile is replaced.</param>
    public async Task<int> StartDetachedAsync(LaunchSpec spec, IReadOnlyList<string>? superviseOptions = null, CancellationToken cancellationToken = default, Action? spawned = null, PendingSupervisor? early = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (early is not null && early.Machine != spec.Machine)
        {
            throw new ArgumentException($"The supervisor spawned ahead is for '{early.Machine}', not '{spec.Machine}'.", nameof(early));
        }

        // The refusals that cost nothing (it runs already, the host mounts a disk, another guest holds one) come from here;
        // the walk over every process's open files runs once, in the supervisor, right before QEMU opens the disks.
        Runtime.CheckCanStart(spec, scanProcesses: false);
        Directory.CreateDirectory(spec.Layout.RunDir);
        await File.WriteAllTextAsync(SpecPath(spec.Layout.RunDir), LaunchSpecJson.Write(spec), cancellationToken).ConfigureAwait(false);
        var log = SupervisorLog(spec.Machine);
        File.Delete(log);
        File.Delete(Path.Combine(spec.Layout.RunDir, DetachedReportId.FileName));
        // The supervisor writes state.json (renamed into the run folder) at each step: wake on that instead of polling.
        using var written = new FolderWatch(spec.Layout.RunDir);
        using var own = early is null ? SpawnSupervisor(spec.Machine, superviseOptions) : null;
        var pending = early ?? own!;
        using var replacement = pending.Go() ? null : SpawnSupervisor(spec.Machine, pending.Options);
        if (replacement is not null && !replacement.Go())
        {
            throw new GuestRuntimeException(spec.Machine, $"The supervisor of '{spec.Machine}' ended before it was told to start the guest (see {log}).");
        }

        var supervisor = (replacement ?? pending).Process;
        spawned?.Invoke();
        // A deadline is monotonic time (the clock's timestamps), never the wall clock a test may pin.
        var begun = _lodge.Time.GetTimestamp();
        while (_lodge.Time.GetElapsedTime(begun) < DetachedStartWithin)
        {
            if (Runtime.Store.Read(spec.Machine) is { Phase: GuestPhase.Running, Qemu: { } qemu })
            {
                return qemu.Pid;
            }

            if (supervisor.Exited.IsCompleted)
            {
                // Only the sentences: a stack trace (a bug in the supervisor) stays in the log, which the message names.
                var tail = RunningGuest.LogTail(log, 40).Where(l => !l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).TakeLast(8);
                throw new GuestRuntimeException(spec.Machine, $"The supervisor of '{spec.Machine}' stopped before the guest ran: {string.Join(" | ", tail)} (see {log}).");
            }

            // At most 50 ms asleep, so a supervisor that ends without writing (and Ctrl-C) is noticed soon.
            cancellationToken.ThrowIfCancellationRequested();
            written.Wait(TimeSpan.FromMilliseconds(50));
        }

        throw new GuestRuntimeException(spec.Machine, $"Guest '{spec.Machine}' did not start within {DetachedStartWithin.TotalMinutes:0} minutes; see {log}.");
    }

    /// <summary>What <c>up --detach</c> says once a guest runs: where it runs, where to connect, how to stop it.</summary>
    public static IReadOnlyList<string> RunningLines(LaunchSpec spec, int pid, bool detached)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var lines = new List<string> { $"Guest {spec.Machine} is running (QEMU pid {pid}{(detached ? ", supervised in the background" : string.Empty)})." };
        lines.AddRange(spec.ConnectHints.Select(hint => $"  {hint}"));
        if (spec.SerialSocket is not null)
        {
            lines.Add($"  Serial console: lodge console {spec.Machine}");
        }

        lines.Add($"  The argv is saved in {Path.Combine(spec.Layout.RunDir, "qemu.args")}; stop with 'lodge down {spec.Machine}'.");
        return lines;
    }

    /// <summary>The body of the hidden <c>lodge supervise NAME</c>: starts the spec saved by <see cref="StartDetachedAsync"/>
    /// and returns how QEMU exited.</summary>
    /// <param name="machine">The guest.</param>
    /// <param name="progress">Each start step.</param>
    /// <param name="started">Called once QEMU runs.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public async Task<GuestExit> SuperviseAsync(string machine, IProgress<string> progress, Action<RunningGuest> started, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(started);
        var path = SpecPath(Runtime.Store.Roots.RunDir(machine));
        var spec = LaunchSpecJson.Read(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);
        var guest = await Runtime.StartAsync(spec, progress, cancellationToken).ConfigureAwait(false);
        started(guest);
        return await guest.Exited.ConfigureAwait(false);
    }

    /// <summary><c>lodge down NAME</c>: cleans a stale state, then powers the guest off through ACPI, waits up to
    /// <paramref name="timeout"/>, and with <paramref name="force"/> stops it hard.</summary>
    public async Task<GuestDown> DownAsync(string machine, TimeSpan timeout, bool force, CancellationToken cancellationToken = default)
    {
        string? note = null;
        if (Runtime.Store.Refresh(machine, out var cleaned) is null && cleaned is not null)
        {
            note = cleaned;
        }

        var result = await Runtime.DownAsync(machine, timeout, force, cancellationToken).ConfigureAwait(false);
        return new GuestDown(note, result);
    }

    /// <summary><c>lodge status [NAME]</c>: one guest, or every guest with a state; cleans stale state on the way and asks
    /// each running QEMU its run state and USB devices.</summary>
    public async Task<GuestStatusReport> StatusAsync(string? machine, CancellationToken cancellationToken = default)
    {
        var store = Runtime.Store;
        var machines = machine is { } one ? [one] : store.Machines();
        var statuses = new List<GuestStatus>();
        var notes = new List<string>();
        var damaged = 0;
        foreach (var name in machines)
        {
            if (store.Refresh(name, out var cleaned) is { } state)
            {
                statuses.Add(await QueryAsync(state, cancellationToken).ConfigureAwait(false));
            }
            else if (store.FindQemuBehindDamagedState(name) is { } pid)
            {
                damaged++;
                notes.Add($"The state of '{name}' ('{store.Roots.StateFile(name)}') is damaged, but its QEMU still runs (pid {pid}, found through '{store.PidFile(name)}' and its command line). Stop it with 'kill {pid}'.");
            }

            if (cleaned is not null)
            {
                notes.Add(cleaned);
            }
        }

        return new GuestStatusReport(statuses, notes, damaged);
    }

    /// <summary><c>lodge status [NAME]</c> whole: <see cref="StatusAsync"/>, what Lodge still holds (journaled hugepages, CPU
    /// isolation), the supervised handoffs and what starts at boot.</summary>
    public async Task<GuestOverview> OverviewAsync(string? machine, CancellationToken cancellationToken = default)
    {
        var status = await StatusAsync(machine, cancellationToken).ConfigureAwait(false);
        var held = Lodge.App.Runtime.HeldByLodge.Read(new GuestStateStore(_lodge.Paths.Roots));
        return new GuestOverview(status, held, Handoffs(machine), new Lodge.App.Autostart.AutostartService(_lodge).Enabled());
    }

    /// <summary>The serial console socket of a running guest; throws when it does not run or has none.</summary>
    public string SerialSocket(string machine)
    {
        var state = Running(machine);
        return state.SerialSocket ?? throw new GuestRuntimeException(machine, $"Guest '{machine}' has no serial console socket.");
    }

    /// <summary>Every log of the guest's last run, in name order; throws when there is none.</summary>
    public IReadOnlyList<GuestLog> Logs(string machine)
    {
        var dir = Runtime.Store.Roots.RunDir(machine);
        var logs = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.log").Order(StringComparer.Ordinal).ToList() : [];
        if (logs.Count == 0)
        {
            throw new GuestRuntimeException(machine, $"Guest '{machine}' has no logs in '{dir}'.") { Hint = "Logs appear once the guest has been started." };
        }

        return [.. logs.Select(log => new GuestLog(log, File.ReadAllText(log)))];
    }

    /// <summary>Attaches (QMP <c>device_add</c>) or detaches (<c>device_del</c>, waiting up to 10 s for the guest to let go)
    /// a USB device on the guest's xhci controller; returns the device as QEMU knows it.</summary>
    public async Task<UsbDeviceSpec> UsbAsync(UsbRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var machine = request.Machine;
        var usb = UsbDeviceSpec.Parse(machine, request.Device, _lodge.TestHooks);
        if (request.Attach && usb.Driver == "usb-host" && !UsbDevicePresence.IsPresent(_lodge.Root, request.Device))
        {
            throw new GuestRuntimeException(machine, $"No USB device '{request.Device}' is plugged into this host, so there is nothing to attach to '{machine}'.") { Hint = "Plug it in, then run the command again; 'lsusb' shows what is present." };
        }

        var state = Running(machine);
        var client = await GuestRuntime.ConnectAsync(state, _lodge.Time, cancellationToken).ConfigureAwait(false);
        await using (client.ConfigureAwait(false))
        {
            if (request.Attach)
            {
                // HOST EFFECT: QEMU claims the host device for the guest until detach or shutdown.
                await client.DeviceAddAsync(usb.Driver, usb.Id, usb.Properties, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(UsbDetachWithin);
                await client.DeviceDelAndWaitAsync(usb.Id, timeout.Token).ConfigureAwait(false);
            }
        }

        if (state.Qemu is { } qemu)
        {
            // What the guest holds beyond its definition, for a switch that moves the GPU to another guest.
            new HotPluggedUsb(Runtime.Store.Roots, machine).Record(qemu.Pid, request.Device, request.Attach);
        }

        return usb;
    }

    private GuestState Running(string machine) =>
        Runtime.Store.Refresh(machine, out _) ?? throw new GuestRuntimeException(machine, $"Guest '{machine}' is not running.");

    private async Task<GuestStatus> QueryAsync(GuestState state, CancellationToken cancellationToken)
    {
        var uptime = _lodge.Time.GetUtcNow() - state.StartedAt;
        if (state.Phase != GuestPhase.Running)
        {
            return new GuestStatus(state, uptime, null, []);
        }

        try
        {
            var client = await GuestRuntime.ConnectAsync(state, _lodge.Time, cancellationToken).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                var status = await client.QueryStatusAsync(cancellationToken).ConfigureAwait(false);
                var usb = await client.HumanMonitorCommandAsync("info usb", cancellationToken).ConfigureAwait(false);
                var devices = usb.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
                return new GuestStatus(state, uptime, status.Status, devices);
            }
        }
        catch (LodgeException)
        {
            return new GuestStatus(state, uptime, null, []);
        }
    }

    private static string SpecPath(string runDir) => Path.Combine(runDir, "launch.json");
}
