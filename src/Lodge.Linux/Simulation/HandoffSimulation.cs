using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Handoff;
using Lodge.Linux.Host;

namespace Lodge.Linux.Simulation;

/// <summary>Runs a whole handoff (guest included) against a copy of a host tree under the <see cref="SimulatedKernel"/>.</summary>
/// <remarks>What <c>lodge gpu handoff NAME --simulate</c> and the fault-matrix specs both run. The journal lives inside the copy.</remarks>
public static class HandoffSimulation
{
    /// <summary>Plans from the copy's snapshot, injects <paramref name="fault"/>, runs the executor (and rescue after a crash), and compares.</summary>
    /// <param name="request">Builds the request from the copy's snapshot (so the GPU can be found by identity there).</param>
    /// <param name="setup">Adjusts the kernel before the run (consoles, framebuffers, holders); optional.</param>
    /// <param name="hangTimeout">The limit of the operation that <paramref name="fault"/> hangs, so that a hang is found fast.
    /// That operation never returns (every injected hang blocks until the run ends), so the limit only says how long to wait
    /// before calling it a hang; it cannot race it. Everything else keeps the request's (longer) limit and is not cut short
    /// on a loaded machine: the hung step's undo too, in the run and in a rescue from the journal.</param>
    public static async Task<HandoffSimulationResult> RunAsync(
        string tree,
        Func<HostSnapshot, HandoffRequest> request,
        SimulationFault? fault = null,
        Action<SimulatedKernel>? setup = null,
        Action<string>? log = null,
        TimeSpan? hangTimeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var kernel = new SimulatedKernel(tree, cancellationToken);
        setup?.Invoke(kernel);
        var initial = kernel.State();
        var snapshot = kernel.ScanForHandoff();
        var req = request(snapshot) with { DisplayManagerActive = kernel.DisplayManagerActive, NvidiaPersistencedActive = kernel.IsServiceActive(SimulatedKernel.NvidiaPersistenced) };
        var plan = HandoffPlanner.Plan(snapshot, req);
        if (fault is not null && (fault.Step < 1 || fault.Step > plan.Steps.Count))
        {
            throw new Core.ConfigException($"--{fault.Kind}-at {fault.Step} is outside the plan of '{req.Guest}', which has steps 1 to {plan.Steps.Count}.")
            {
                Hint = $"Pick a step from 1 to {plan.Steps.Count}; 'lodge gpu handoff {req.Guest} --dry-run' lists them.",
            };
        }

        if (fault is { Kind: SimulationFault.Hang } && hangTimeout is { } shorter && fault.Step >= 1 && fault.Step <= plan.Steps.Count)
        {
            plan = plan with { Steps = [.. plan.Steps.Select(s => s.Index == fault.Step ? s with { Timeout = shorter, UndoTimeout = s.UndoLimit } : s)] };
        }

        if (!plan.CanRun)
        {
            return new HandoffSimulationResult(plan, [], kernel.State().DiffFrom(initial), null, null, null);
        }

        var guest = new SimulatedGuest(kernel, plan.Endpoints);
        var host = kernel.HandoffHost(guest, log);
        Inject(guest, plan, fault, kernel, ref host);
        var journal = new HandoffJournal(Path.Combine(kernel.Root, "var/lib/lodge/handoff.journal"));
        var options = new HandoffExecutorOptions
        {
            Health = new GuestHealth(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10), guest.IsHealthyAsync),
            AbandonAfterStep = fault?.Kind == SimulationFault.Crash ? fault.Step : null,
        };
        var report = await new HandoffExecutor(host, journal, options).RunAsync(plan, cancellationToken).ConfigureAwait(false);
        HandoffReport? rescue = null;
        var steps = report.Steps.ToDictionary(s => s.Index);
        if (report.State == HandoffState.Abandoned)
        {
            // A new process, as after a kill: only the journal and the host are left.
            rescue = await new HandoffRescue(kernel.HandoffHost(guest, log), journal).RunAsync().ConfigureAwait(false);
            foreach (var s in rescue.Steps)
            {
                steps[s.Index] = s;
            }
        }

        var diff = kernel.State().DiffFrom(initial);
        return new HandoffSimulationResult(plan, [.. steps.Values.OrderBy(s => s.Index)], diff, report, rescue, guest)
        {
            Initial = initial,
            Journal = File.Exists(journal.Path) ? await File.ReadAllBytesAsync(journal.Path, CancellationToken.None).ConfigureAwait(false) : [],
            JournalClean = journal.IsClean,
        };
    }

    /// <summary>Reboots after <paramref name="run"/>: a fresh kernel over <paramref name="tree"/> (every stuck write gone,
    /// bindings and modules as at boot), the run's journal on its disk, and <c>lodge rescue --boot</c> run before the
    /// display manager starts; then boot goes on and starts it. Returns the rescue and how the host differs from before the run.</summary>
    public static async Task<(HandoffReport Rescue, IReadOnlyList<string> Diff, bool JournalClean)> RebootAsync(
        string tree, HandoffSimulationResult run, Action<SimulatedKernel>? setup = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var kernel = new SimulatedKernel(tree, cancellationToken);
        setup?.Invoke(kernel);
        var dm = kernel.DisplayManagerActive;

        // lodge-rescue.service runs before display-manager.service.
        kernel.WithDisplayManager(dm is null ? null : false);
        var journal = new HandoffJournal(Path.Combine(kernel.Root, "var/lib/lodge/handoff.journal"));
        Directory.CreateDirectory(Path.GetDirectoryName(journal.Path)!);
        await File.WriteAllBytesAsync(journal.Path, [.. run.Journal], cancellationToken).ConfigureAwait(false);
        var guest = new SimulatedGuest(kernel, run.Plan.Endpoints);
        var rescue = await new HandoffRescue(kernel.HandoffHost(guest, log), journal).RunAsync(afterBoot: true).ConfigureAwait(false);
        kernel.WithDisplayManager(dm);
        var diff = run.Initial is { } initial ? kernel.State().DiffFrom(initial) : [];
        return (rescue, diff, journal.IsClean);
    }

    // Makes step N's own operation fail or hang.
    private static void Inject(SimulatedGuest guest, HandoffPlan plan, SimulationFault? fault, SimulatedKernel kernel, ref HandoffHost host)
    {
        if (fault is null || fault.Kind == SimulationFault.Crash)
        {
            return;
        }

        if (fault.Step < 1 || fault.Step > plan.Steps.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(fault), fault.Step, $"The plan has steps 1 to {plan.Steps.Count}.");
        }

        var op = plan.Step(fault.Step).Do;
        var hang = fault.Kind == SimulationFault.Hang;
        switch (op.Kind)
        {
            case HandoffOperationKind.CheckHolders:
                // The k-th scan is this step's first: it hangs, or finds a process no display manager stop would end. That
                // process never lets go, so every later scan (the step's own re-scans after the display manager stopped)
                // still finds it; the re-scans are cut to a second, as waiting longer for it shows nothing more.
                var k = plan.Steps.Take(fault.Step).Count(s => s.Do.Kind == HandoffOperationKind.CheckHolders);
                var scan = host.Holders;
                var calls = 0;
                host = host with
                {
                    ReleaseWait = TimeSpan.FromSeconds(1),
                    Holders = async (devices, ct) =>
                    {
                        if (Interlocked.Increment(ref calls) < k)
                        {
                            return await scan(devices, ct).ConfigureAwait(false);
                        }

                        if (hang)
                        {
                            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                        }

                        return [new DeviceHolder(plan.Gpu, "/dev/dri/card0", "Xorg", 4242)];
                    },
                };
                return;
            case HandoffOperationKind.RequireUnloaded:
                // The module is still there (a program holds it), or reading /proc/modules never returns: the read blocks
                // until the run ends (the kernel's disposal lets every hang go), so no scheduling delay can let it finish
                // before its limit.
                var loaded = host.ModuleLoaded;
                host = host with
                {
                    ModuleLoaded = m =>
                    {
                        if (m != op.Target)
                        {
                            return loaded(m);
                        }

                        if (hang)
                        {
                            kernel.Stuck();
                        }

                        return true;
                    },
                };
                return;
            case HandoffOperationKind.StartGuest:
                guest.HangStart = hang;
                guest.FailStart = !hang;
                return;
        }

        var (action, target) = op.Kind switch
        {
            HandoffOperationKind.StopDisplayManager => (HostAction.StopDisplayManager, op.Target),
            HandoffOperationKind.StopService => (HostAction.StopService, op.Target),
            HandoffOperationKind.UnbindVtConsole => (HostAction.VtConsoleBind, op.Target),
            HandoffOperationKind.UnbindFramebuffer => (HostAction.FramebufferUnbind, op.Target),
            HandoffOperationKind.LoadModule => (HostAction.LoadModule, op.Target),
            HandoffOperationKind.UnloadModule => (HostAction.UnloadModule, op.Target),
            HandoffOperationKind.Unbind => (HostAction.Unbind, op.Target),
            HandoffOperationKind.SetDriverOverride => (HostAction.SetDriverOverride, op.Target),
            HandoffOperationKind.ProbeDrivers => (HostAction.ProbeDrivers, op.Target),
            HandoffOperationKind.SetResetMethod => (HostAction.SetResetMethod, op.Target),
            _ => throw new ArgumentOutOfRangeException(nameof(fault), op.Kind, "This step cannot be faulted."),
        };
        if (hang)
        {
            kernel.HangOn(action, target);
        }
        else
        {
            kernel.FailOn(action, target);
        }
    }
}
