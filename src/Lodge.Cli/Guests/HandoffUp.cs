using System.Runtime.InteropServices;
using Lodge.App;
using Lodge.App.Handoff;
using Lodge.App.Switching;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Reports;
using Lodge.Core.Runtime;
using Lodge.Linux.Handoff;
using Lodge.Linux.Runtime;

namespace Lodge.Cli.Guests;

/// <summary><c>lodge up NAME</c> for a machine whose physical GPU goes to the guest (<c>handoff</c> or <c>dedicated</c>):
/// plan the handoff, run it with the guest's life inside it, give everything back, and record the outcome.</summary>
/// <remarks>Always in the foreground: the host gets its GPU back only when the guest stops and this process runs the way
/// back. Ctrl-C (or SIGTERM) powers the guest off through ACPI and then gives the GPU back.</remarks>
public static class HandoffUp
{
    /// <summary>Runs the handoff; returns the exit code (0 when the guest ran, stopped cleanly, and the host is as it was).</summary>
    /// <param name="lodge">The composition root: the host (read and written below <c>--root</c>), the journal, the doubles.</param>
    /// <param name="stopHolders">Stop the processes that hold the GPU instead of refusing.</param>
    /// <param name="planOther">Plans another machine for <c>lodge switch</c> (its launch spec, checked to take the same GPU);
    /// null: no switch can reach this handoff.</param>
    public static async Task<int> RunAsync(CliContext context, MachinePlan plan, HostSnapshot host, LaunchSpec spec, LodgeHost lodge, GuestRuntime runtime, bool stopHolders, Dictionary<string, string> resolved, Func<string, (MachineConfig Machine, LaunchSpec Spec)>? planOther = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plan);
        var machine = plan.Machine;
        var gpu = plan.Gpu.Device!;
        void Log(string line) => context.Error.WriteLine(line);
        ArgumentNullException.ThrowIfNull(lodge);
        var env = lodge.Handoff(runtime, Log);

        var snapshot = env.Scan();
        var before = HostState.FromSnapshot(snapshot, env.DisplayManagerActive());
        var request = new HandoffRequest(machine.Name, gpu.Address, plan.Gpu.Mode, [], env.DisplayManagerActive());
        var endpoints = HandoffPlanner.Plan(snapshot, request).Endpoints;
        var holders = await env.Holders(endpoints, cancellationToken).ConfigureAwait(false);
        var blocking = holders.Where(h => !(plan.Gpu.Mode == Core.Machines.GpuMode.Handoff && h.EndsWithDisplayManager)).ToList();
        if (stopHolders && blocking.Count > 0)
        {
            await env.StopHolders(blocking, Log, cancellationToken).ConfigureAwait(false);
            holders = await env.Holders(endpoints, cancellationToken).ConfigureAwait(false);
        }

        var handoff = HandoffPlanner.Plan(snapshot, request with { Holders = holders });
        resolved["gpu-mode"] = plan.Gpu.Mode.Word();
        resolved["reset-method"] = ResetMethod(handoff, snapshot.FindDevice(gpu.Address));
        foreach (var warning in handoff.Warnings)
        {
            context.Error.WriteLine($"Warning: {warning}");
        }

        if (!handoff.CanRun)
        {
            var refusal = string.Join(" ", handoff.Refusals);
            OutcomeRecorder.Record(context, lodge, host, machine, gpu, new ReportResult(false, false, true, handoff.Steps.FirstOrDefault()?.Name ?? "plan", refusal), resolved);
            throw new Core.InvalidStateException(refusal, "refused", "runnable")
            {
                Hint = holders.Count > 0
                    ? $"Close the programs named above, or run 'lodge up {machine.Name} --stop-holders' to stop them."
                    : $"Run 'lodge gpu handoff {machine.Name} --dry-run' to see the whole plan.",
            };
        }

        var first = env.Guest(spec, handoff);
        var options = new HandoffExecutorOptions { Health = env.Health(first, machine), AbandonAfterStep = env.AbandonAfterStep };
        var channel = new SwitchChannel(lodge.Paths.RunRoot, lodge.Time);
        var switcher = new GuestSwitcher(
            Slot(machine.Name, first, options.Health, runtime),
            (name, _) =>
            {
                var other = planOther?.Invoke(name) ?? throw new Core.ConfigException($"This handoff of '{machine.Name}' cannot switch guests.");
                var control = env.Guest(other.Spec, handoff with { Guest = name });
                return Task.FromResult(Slot(name, control, env.Health(control, other.Machine), runtime));
            },
            env.Journal,
            handoff.Steps[^1],
            line =>
            {
                Log(line);
                channel.Progress(line);
            },
            lodge.Time)
        {
            HolderChanged = holder => channel.Announce(holder, gpu.Address.ToString()),
        };
        IGuestControl guest = planOther is null ? first : switcher;
        context.Error.WriteLine($"Handing '{gpu.Address}' to '{machine.Name}' ({resolved["gpu-mode"]}); it comes back when the guest stops. Ctrl-C powers the guest off.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        // The terminal that started lodge often dies with the display manager this handoff stops (a desktop terminal
        // goes with its X server): its SIGHUP must neither kill lodge halfway nor stop the guest (the lab's scenario 5).
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal => signal.Cancel = true);
        HandoffReport report;
        using var listening = new CancellationTokenSource();
        var listener = Task.CompletedTask;
        try
        {
            var run = new HandoffExecutor(env.Host(guest, Log), env.Journal, options).RunAsync(handoff, stop.Token);
            if (planOther is not null)
            {
                listener = channel.ListenAsync(switcher, listening.Token);
            }

            report = await run.ConfigureAwait(false);
        }
        catch (Core.LodgeException e)
        {
            // The executor refused before touching the host (e.g. an unfinished journal): still an attempt to remember.
            OutcomeRecorder.Record(context, lodge, host, machine, gpu, new ReportResult(false, false, true, "start", e.Message), resolved);
            throw;
        }
        finally
        {
            if (planOther is not null)
            {
                await listening.CancelAsync().ConfigureAwait(false);
                await listener.ConfigureAwait(false);
                channel.Withdraw();
            }
        }

        var diff = HostState.FromSnapshot(env.Scan(), env.DisplayManagerActive()).DiffFrom(before);
        var result = Result(handoff, report, diff, first);
        OutcomeRecorder.Record(context, lodge, host, machine, gpu, result, resolved);
        return Print(context, handoff, report, diff, result, env.Journal);

        void Interrupt(PosixSignalContext signal)
        {
            // Never die mid-handoff: the way back must run. The executor stops the guest (ACPI, then quit) and gives the GPU back.
            signal.Cancel = true;
            context.Error.WriteLine($"Stopping '{machine.Name}' and giving '{gpu.Address}' back to the host.");
            stop.Cancel();
        }
    }

    // A guest of the switch: its ACPI shutdown within its own timeout, and its force-off.
    private static SwitchSlot Slot(string name, IGuestControl control, GuestHealth? health, GuestRuntime runtime)
    {
        if (control is RuntimeGuestControl real)
        {
            return new SwitchSlot(name, control, health, real.AcpiTimeout,
                async (timeout, ct) => (await runtime.DownAsync(name, timeout, force: false, ct).ConfigureAwait(false)).Outcome is DownOutcome.PoweredOff or DownOutcome.NotRunning,
                ct => runtime.DownAsync(name, TimeSpan.Zero, force: true, ct));
        }

        // A double (tests): its stop is its shutdown.
        return new SwitchSlot(name, control, health, TimeSpan.FromSeconds(40),
            async (_, ct) =>
            {
                await control.StopAsync(name, ct).ConfigureAwait(false);
                return true;
            },
            ct => control.StopAsync(name, ct));
    }

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

    private static int Print(CliContext context, HandoffPlan plan, HandoffReport report, IReadOnlyList<string> diff, ReportResult result, HandoffJournal journal)
    {
        foreach (var problem in report.Problems)
        {
            context.Error.WriteLine($"  {problem}");
        }

        if (report.State == HandoffState.NeedsRescue || diff.Count > 0)
        {
            context.Error.WriteLine($"Error: the host did not get everything back from '{plan.Guest}'; '{journal.Path}' keeps what is left.");
            foreach (var line in diff)
            {
                context.Error.WriteLine($"  {line}");
            }

            context.Error.WriteLine("Run 'sudo lodge rescue' to undo the rest.");
            return ExitCodes.Error;
        }

        context.Out.WriteLine($"'{plan.Gpu}' is back with the host; the host is as it was before '{plan.Guest}' started.");
        if (result.FailedStep is { } step)
        {
            context.Error.WriteLine($"Error: the handoff to '{plan.Guest}' stopped at '{step}': {result.Error}");
            return ExitCodes.Error;
        }

        return result.Healthy ? ExitCodes.Ok : ExitCodes.Error;
    }
}
