using Lodge.App.Host;
using Lodge.App.Machines;
using Lodge.App.Reports;
using Lodge.App.Switching;
using Lodge.Core;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Reports;
using Lodge.Linux;
using Lodge.Linux.Handoff;
using Lodge.Linux.Host;
using Lodge.Linux.Runtime;
using Lodge.Linux.Simulation;

namespace Lodge.App.Handoff;

/// <summary>The GPU handoff, once: its dry run, its simulation, the real run with the guest's life inside it, and the
/// rescue of one that died. Returns data; the CLI renders it.</summary>
public sealed partial class HandoffService
{
    private readonly LodgeHost _lodge;

    /// <summary>Handoffs on <paramref name="lodge"/>'s host, journal and outcome database.</summary>
    public HandoffService(LodgeHost lodge)
    {
        ArgumentNullException.ThrowIfNull(lodge);
        _lodge = lodge;
    }

    /// <summary><c>--dry-run</c>: the plan of machine <paramref name="machine"/> against the host as it is (holders included); changes nothing.</summary>
    public HandoffPlan DryRun(string machine)
    {
        var config = _lodge.Machines.Load(machine).Machine;
        var (host, _) = HostLoader.Load(_lodge.Root.Path);
        var request = Request(config, GpuResolver.Resolve(config, host), displayManagerActive: null, new HandoffTimeouts());

        // The endpoints come from the plan; the holders of those endpoints then decide whether it may run.
        var endpoints = HandoffPlanner.Plan(host, request).Endpoints;
        var holders = new ProcHolderScanner(_lodge.Root).ScanAsync(endpoints).GetAwaiter().GetResult();
        return HandoffPlanner.Plan(host, request with { Holders = holders });
    }

    /// <summary><c>--simulate</c>: the whole handoff against a copy of the <c>--root</c> tree under a simulated kernel and guest.</summary>
    /// <remarks>Cancelling stops the simulation; its copy of the tree is always deleted.</remarks>
    public async Task<HandoffSimulationResult> SimulateAsync(HandoffSimulationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var root = _lodge.Root.Path;
        if (_lodge.Root.IsSystemRoot)
        {
            // The simulation works on a copy of the tree: a copy of the running system would be all of / (secrets included).
            throw new ConfigException("--simulate needs --root DIR with a captured host tree (for example an unpacked 'lodge snapshot'); it never copies the running system.")
            {
                Hint = $"Run 'lodge snapshot -o host.tar.gz', unpack it with 'mkdir host && tar xzf host.tar.gz -C host', then 'lodge gpu handoff {request.Machine} --simulate --root host'.",
            };
        }

        var machine = _lodge.Machines.Load(request.Machine).Machine;

        // Short limits: a hung step costs half a second, not the production minute; the others get room for a busy machine.
        var timeouts = HandoffTimeouts.All(TimeSpan.FromSeconds(5));
        try
        {
            return await HandoffSimulation.RunAsync(root, snapshot => Request(machine, GpuResolver.Resolve(machine, snapshot), null, timeouts), request.Fault, hangTimeout: TimeSpan.FromMilliseconds(500), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new HostAccessException($"The tree '{root}' could not be copied for the simulation: {e.Message}", root, e)
            {
                Hint = "Point --root at a captured host tree of regular files, folders and links (for example an unpacked 'lodge snapshot').",
            };
        }
    }

    /// <summary>Plans a real handoff against the host as it is now: scans it, finds the processes holding the GPU (and
    /// stops them with <see cref="HandoffUpRequest.StopHolders"/>), and plans. Writes nothing but the holders' end.</summary>
    /// <param name="request">The planned machine and its guest.</param>
    /// <param name="log">Every line the run reports as it goes (the executor's steps, the guest's start), for stderr.</param>
    /// <param name="cancellationToken">Stops the holder scan.</param>
    public async Task<PreparedHandoff> PrepareAsync(HandoffUpRequest request, Action<string> log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        var plan = request.Machine.Plan;
        var gpu = plan.Gpu.Device!;
        var env = _lodge.Handoff(request.Runtime, log);

        var snapshot = env.Scan();
        var before = HostState.FromSnapshot(snapshot, env.DisplayManagerActive());
        var handoffRequest = new HandoffRequest(plan.Machine.Name, gpu.Address, plan.Gpu.Mode, [], env.DisplayManagerActive()) { NvidiaPersistencedActive = env.NvidiaPersistencedActive(), UnloadAmdgpu = plan.Machine.Gpu?.UnloadAmdgpu == true };
        var endpoints = HandoffPlanner.Plan(snapshot, handoffRequest).Endpoints;
        var holders = await env.Holders(endpoints, cancellationToken).ConfigureAwait(false);
        var blocking = holders.Where(h => !(plan.Gpu.Mode == GpuMode.Handoff && h.EndsWithDisplayManager)).ToList();
        if (request.StopHolders && blocking.Count > 0)
        {
            await env.StopHolders(blocking, log, cancellationToken).ConfigureAwait(false);
            holders = await env.Holders(endpoints, cancellationToken).ConfigureAwait(false);
        }

        var handoff = HandoffPlanner.Plan(snapshot, handoffRequest with { Holders = holders });
        var resolved = new Dictionary<string, string>(request.Resolved, StringComparer.Ordinal)
        {
            ["gpu-mode"] = plan.Gpu.Mode.Word(),
            ["reset-method"] = ResetMethod(handoff, snapshot.FindDevice(gpu.Address)),
        };
        return new PreparedHandoff(request, handoff, before, resolved, holders.Count > 0, env, log);
    }

    /// <summary>Throws (after recording the refusal) when the plan may not run: a holder, an unsupported GPU, a pending journal.</summary>
    public void EnsureRunnable(PreparedHandoff prepared, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        if (prepared.Plan.CanRun)
        {
            return;
        }

        var machine = prepared.Request.Machine.Plan.Machine;
        var refusal = string.Join(" ", prepared.Plan.Refusals);
        Recorder(warn).Record(prepared.Request.Machine.Host, machine, prepared.Request.Machine.Plan.Gpu.Device, new ReportResult(false, false, true, prepared.Plan.Steps.FirstOrDefault()?.Name ?? "plan", refusal), prepared.Resolved);
        throw new InvalidStateException(refusal, HandoffReadiness.Refused.Word(), HandoffReadiness.Runnable.Word())
        {
            Hint = prepared.HasHolders
                ? $"Close the programs named above, or run 'lodge up {machine.Name} --stop-holders' to stop them."
                : $"Run 'lodge gpu handoff {machine.Name} --dry-run' to see the whole plan.",
        };
    }

    /// <summary>Runs a prepared handoff with the guest's life inside it, gives everything back, compares the host with
    /// before, and records the outcome. Cancelling powers the guest off (ACPI, then quit) and runs the way back.</summary>
    /// <param name="prepared">What <see cref="PrepareAsync"/> planned.</param>
    /// <param name="warn">Where a warning goes when the outcome cannot be recorded.</param>
    /// <param name="cancellationToken">Stops the guest; the way back always runs.</param>
    public async Task<HandoffRunOutcome> RunAsync(PreparedHandoff prepared, Action<string> warn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        EnsureRunnable(prepared, warn);
        var env = prepared.Environment;
        var planned = prepared.Request.Machine;
        var machine = planned.Plan.Machine;
        var gpu = planned.Plan.Gpu.Device;
        var recorder = Recorder(warn);
        var guest = env.Guest(prepared.Request.Spec, prepared.Plan, machine);
        var options = new HandoffExecutorOptions { Health = env.Health(guest, machine), AbandonAfterStep = env.AbandonAfterStep, StopAfterStep = _lodge.TestStopAfterStep };

        // With a way to plan other machines, the guest is a switcher: 'lodge switch OTHER' reaches it through the run folder.
        var channel = new SwitchChannel(_lodge.Paths.RunRoot, _lodge.Time);
        var records = new SwitchRecords(recorder, planned.Host, gpu, prepared.Resolved, machine);
        var switcher = prepared.Request.PlanOther is { } planOther
            ? new GuestSwitcher(
                SwitchSlots.Of(machine.Name, guest, options.Health, prepared.Request.Runtime, TimeSpan.FromSeconds(machine.ShutdownTimeoutSeconds)) with { DefinedUsb = SwitchUsb.Defined(machine) },
                (name, _) =>
                {
                    var (otherMachine, otherSpec) = planOther(name);
                    records.Planned(otherMachine);
                    var control = env.Guest(otherSpec, prepared.Plan with { Guest = name }, otherMachine);
                    return Task.FromResult(SwitchSlots.Of(name, control, env.Health(control, otherMachine), prepared.Request.Runtime, TimeSpan.FromSeconds(otherMachine.ShutdownTimeoutSeconds)) with { DefinedUsb = SwitchUsb.Defined(otherMachine) });
                },
                env.Journal,
                prepared.Plan.Steps[^1],
                line =>
                {
                    prepared.Log(line);
                    channel.Progress(line);
                },
                _lodge.Time)
            {
                HolderChanged = holder => channel.Announce(holder, gpu!.Address.ToString()),
                SwitchedAway = records.SwitchedAway,
                StartTried = records.StartTried,
            }
            : null;
        HandoffReport report;
        using var listening = new CancellationTokenSource();
        var listener = switcher is null ? Task.CompletedTask : channel.ListenAsync(switcher, listening.Token);
        try
        {
            var phase = prepared.Request.Phase;
            phase?.Invoke(HandoffPhaseFile.HandingOver);
            IGuestControl running = switcher is null ? guest : switcher;
            if (prepared.Request.PowerOff is { } powerOff && guest is RuntimeGuestControl)
            {
                // Ctrl-C while the guest runs: ACPI and a wait of the shutdown_timeout of whichever guest holds the GPU now.
                running = PowerOffGuest.For(running, powerOff, machine.Name, switcher);
            }

            var followed = phase is null ? running : new PhaseReportingGuest(running, phase);
            report = await new HandoffExecutor(env.Host(followed, prepared.Log), env.Journal, options).RunAsync(prepared.Plan, cancellationToken).ConfigureAwait(false);
        }
        catch (LodgeException e)
        {
            // The executor refused before touching the host (e.g. an unfinished journal): still an attempt to remember.
            recorder.Record(planned.Host, machine, gpu, new ReportResult(false, false, true, "start", e.Message), prepared.Resolved);
            throw;
        }
        finally
        {
            await listening.CancelAsync().ConfigureAwait(false);
            await listener.ConfigureAwait(false);
            if (switcher is not null)
            {
                channel.Withdraw();
            }
        }

        var diff = HostState.FromSnapshot(env.Scan(), env.DisplayManagerActive()).DiffFrom(prepared.Before);
        var result = Result(prepared.Plan, report, diff, switcher?.LastControl ?? guest);
        if (records.Switched)
        {
            // The GPU moved between guests: each run has its own report; the end belongs to the guest that held it last.
            records.Ended(result);
        }
        else
        {
            recorder.Record(planned.Host, machine, gpu, result, prepared.Resolved);
        }

        return new HandoffRunOutcome(prepared.Plan, report, diff, result, env.Journal.Path);
    }

    /// <summary><c>lodge rescue</c>: undoes whatever an unfinished handoff (<paramref name="journalPath"/>, else the host's
    /// journal), CPU isolation, hugepage reservation and passed controller of a stopped guest left applied. A second run
    /// does nothing.</summary>
    /// <param name="journalPath"><c>--journal</c>, when given.</param>
    /// <param name="boot">At boot: failed undos are tolerated (the reboot reset drivers and modules) and the journal ends clean.</param>
    /// <param name="log">Every line the rescue reports as it goes.</param>
    public async Task<RescueOutcome> RescueAsync(string? journalPath, bool boot, Action<string> log)
    {
        var journal = journalPath is { Length: > 0 } path ? new HandoffJournal(path) : _lodge.Journal;
        var host = _lodge.RescueHost(log);
        var report = await new HandoffRescue(host, journal).RunAsync(boot).ConfigureAwait(false);
        var isolator = new GuestStateStore(_lodge.Paths.Roots).Isolator();
        var isolation = IsolationRescue.NothingPending;
        if (!isolator.Journal.IsClean && boot)
        {
            // AllowedCPUs was set as a runtime property (/run/systemd/system.control): the reboot already dropped it.
            isolator.Journal.Clear();
            isolation = IsolationRescue.ClearedByReboot;
        }
        else if (!isolator.Journal.IsClean)
        {
            var restored = await isolator.RestoreAsync(Core.Planning.MachinePlanner.IsolatedUnits).ConfigureAwait(false);
            isolation = restored ? IsolationRescue.Restored : IsolationRescue.Kept;
        }

        var unknownGpu = report.Unknown is not null && journal.Inspect().Gpu is { } g && PciAddress.TryParse(g, out var address) ? address.ToString() : null;
        var (hugePageLines, hugePagesLeft) = Runtime.HugePageRescue.Run(new GuestStateStore(_lodge.Paths.Roots), boot);
        var (controllerLines, controllersLeft) = await Runtime.ControllerRescue.RunAsync(_lodge.Guests().Store, boot, log).ConfigureAwait(false);
        return new RescueOutcome(report, journal.Path, journal.IsClean, isolation, isolator.Journal.Path, unknownGpu, hugePageLines, hugePagesLeft)
        {
            ControllerLines = controllerLines,
            ControllersLeft = controllersLeft,
        };
    }

    private OutcomeRecorder Recorder(Action<string> warn) => new(_lodge, warn);

    private static HandoffRequest Request(MachineConfig machine, PciAddress gpu, bool? displayManagerActive, HandoffTimeouts timeouts) =>
        new(machine.Name, gpu, machine.Gpu!.Mode, [], displayManagerActive) { Timeouts = timeouts, UnloadAmdgpu = machine.Gpu.UnloadAmdgpu };

    // What the outcome database records: started/healthy, whether the host is as before, and the first failing step.
    internal static ReportResult Result(HandoffPlan plan, HandoffReport report, IReadOnlyList<string> diff, IGuestControl guest)
    {
        var start = plan.Steps[^1];
        var started = report.Steps.Any(s => s.Index == start.Index && s.Outcome is StepOutcome.Done or StepOutcome.Undone);
        var failed = report.Steps.FirstOrDefault(s => s.Outcome is StepOutcome.Failed or StepOutcome.TimedOut);
        var exit = (guest as RuntimeGuestControl)?.Exit;
        var crashed = exit is { Clean: false };
        var healthy = started && !report.WatchdogFired && !crashed;
        var (step, error) = failed is not null ? (failed.Name, failed.Error)
            : report.WatchdogFired ? ("watchdog", report.Problems.FirstOrDefault())
            : crashed ? ("run", exit!.Describe())
            : diff.Count > 0 ? ("way back", string.Join(" ", diff))
            : (null, null);
        return new ReportResult(started, healthy, diff.Count == 0, step, error);
    }

    // The reset method the GPU used in the guest: the plan's device_specific step, else what the kernel had.
    private static string ResetMethod(HandoffPlan plan, PciDevice? gpu) =>
        plan.Steps.Any(s => s.Do.Kind == HandoffOperationKind.SetResetMethod) ? "device_specific"
        : gpu?.ResetMethods is { Count: > 0 } methods ? methods[0]
        : "default";
}
