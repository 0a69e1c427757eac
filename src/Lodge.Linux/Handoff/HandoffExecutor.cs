using Lodge.Core;
using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary>Runs a <see cref="HandoffPlan"/>: journals each step, applies it with its timeout, watches the guest, and gives everything back.</summary>
/// <remarks>
/// <para>Invariant: if the handoff fails, the host is returned to its starting state. A step that fails or times out
/// stops the handoff; every applied step (and the timed-out one, whose write may still land) is undone in reverse. The
/// only exceptions are undos marked <see cref="HandoffOperation.MayFail"/> (a framebuffer that will not rebind), which
/// are reported, and undos that fail outright, which leave the journal dirty for <c>lodge rescue</c>.</para>
/// <para>A kernel write that times out (an unbind the driver never finishes) leaves its thread blocked in the kernel
/// holding the device's lock: the target is <em>wedged</em>. The journal records it, no later write touches it (see
/// <see cref="HandoffPlan.Touches"/>), every other step is undone, the journal stays not clean, and the report says a
/// reboot is needed; the boot-time rescue finishes the job. The blocked thread is a background thread: Lodge exits.</para>
/// <para>Each step's <c>begin</c> line, with its undo, is synced to disk before the step runs, so a killed executor
/// leaves a journal from which <see cref="HandoffRescue"/> can undo exactly what was applied.</para>
/// <para>After the guest starts, the watchdog gives it <see cref="GuestHealth.HealthyWithin"/> to show it is healthy;
/// otherwise it is stopped. Either way the way back runs when the guest exits: the undos in reverse, best effort, so
/// the display manager comes back even when a framebuffer does not.</para>
/// </remarks>
public sealed partial class HandoffExecutor(HandoffHost host, HandoffJournal journal, HandoffExecutorOptions? options = null)
{
    private readonly HandoffOperationRunner _runner = new(host);
    private readonly HandoffExecutorOptions _options = options ?? new HandoffExecutorOptions();

    /// <summary>Hands the GPU to the guest, runs the guest's life, and gives the GPU back.</summary>
    /// <exception cref="InvalidStateException">The plan has refusals, or the journal shows an unfinished handoff.</exception>
    public async Task<HandoffReport> RunAsync(HandoffPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var machine = new HandoffStateMachine(plan.Gpu.ToString());
        if (!plan.CanRun)
        {
            // Each refusal is a full sentence already ("Cannot hand off '0000:06:00.0': 'Xorg' (pid 1234) holds ...").
            throw new InvalidStateException(string.Join(" ", plan.Refusals), HandoffReadiness.Refused.Word(), HandoffReadiness.Runnable.Word())
            {
                Hint = "Close the programs named above, or run 'lodge gpu handoff NAME --dry-run' to see the whole plan.",
            };
        }

        if (!journal.IsClean)
        {
            throw new InvalidStateException($"A previous handoff in '{journal.Path}' is not finished; nothing was changed.", "dirty journal", "clean journal")
            {
                Hint = "Run 'lodge rescue' to give the GPU back first.",
            };
        }

        using var held = journal.TryLock() ?? throw new InvalidStateException($"Another handoff holds '{journal.LockPath}' right now; nothing was changed.", "handoff running", "no handoff running")
        {
            Hint = "Wait for it to end, or stop its guest with 'lodge down NAME' (the GPU comes back with it).",
        };
        machine.MoveTo(HandoffState.HandingOff);
        journal.Start(plan.Guest, plan.Gpu.ToString());
        var results = new SortedDictionary<int, StepResult>();
        var applied = new List<HandoffStep>();
        var problems = new List<string>();
        var wedged = new List<HandoffOperation>();
        var failed = false;
        foreach (var step in plan.Steps)
        {
            journal.Append(new JournalEntry(JournalEntry.Begin, step.Index, step.Name, step.Undo, step.UndoLimit));
            try
            {
                await _runner.RunAsync(step.Do, step.Timeout, cancellationToken).ConfigureAwait(false);
                journal.Append(new JournalEntry(JournalEntry.Done, step.Index));
                results[step.Index] = new StepResult(step.Index, step.Name, StepOutcome.Done);
                applied.Add(step);
                if (_options.StopAfterStep == step.Index)
                {
                    // TEST HOOK (LODGE_TEST_STOP_AFTER_STEP): the done record is on disk; a test kills the stopped process here.
                    _options.Stop(step.Index);
                }
            }
            catch (Exception e) when (IsTimeout(e))
            {
                // The write may still land: undo it too, unless it is a kernel write, whose thread now holds the
                // device's lock: then the device is wedged and nothing touches it again (its undo included).
                journal.Append(new JournalEntry(JournalEntry.TimedOut, step.Index, Detail: e.Message));
                results[step.Index] = new StepResult(step.Index, step.Name, StepOutcome.TimedOut, e.Message);
                applied.Add(step);
                problems.Add($"Step {step.Index} ({step.Name}) timed out: {e.Message}");
                if (IsStuckKernelWrite(e))
                {
                    wedged.Add(step.Do);
                    journal.Append(new JournalEntry(JournalEntry.Wedged, step.Index, Detail: step.Do.Target, Writer: (e as Host.HostWriteTimeoutException)?.WriterText));
                }

                failed = true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                journal.Append(new JournalEntry(JournalEntry.Failed, step.Index, Detail: e.Message));
                results[step.Index] = new StepResult(step.Index, step.Name, StepOutcome.Failed, e.Message);
                problems.Add($"Step {step.Index} ({step.Name}) failed: {e.Message}");
                failed = true;
            }

            if (failed)
            {
                break;
            }

            if (_options.AbandonAfterStep == step.Index)
            {
                machine.MoveTo(HandoffState.Abandoned);
                return new HandoffReport([.. results.Values], machine.History, false, problems);
            }
        }

        var watchdogFired = false;
        if (failed)
        {
            machine.MoveTo(HandoffState.RollingBack);
        }
        else
        {
            machine.MoveTo(HandoffState.GuestRunning);
            watchdogFired = await WatchGuestAsync(plan, problems, cancellationToken).ConfigureAwait(false);
            machine.MoveTo(HandoffState.GivingBack);
        }

        var clean = await UndoAsync(_runner, journal, applied, results, problems, host.Log, wedged: new Wedge(wedged, plan.Touches), gpu: plan.Gpu.ToString()).ConfigureAwait(false);
        machine.MoveTo(!clean ? HandoffState.NeedsRescue : failed ? HandoffState.RolledBack : HandoffState.Returned);
        return new HandoffReport([.. results.Values], machine.History, watchdogFired, problems);
    }

    internal static bool IsTimeout(Exception e) => e is TimeoutException or Host.HostWriteTimeoutException;

    // A sysfs or module write that never returned: its thread sits in the kernel with the device's lock. A systemd job
    // that took too long is not one (the D-Bus call returned; the job just runs on).
    internal static bool IsStuckKernelWrite(Exception e) =>
        e is Host.HostWriteTimeoutException { Action: not (Host.HostAction.StopDisplayManager or Host.HostAction.StartDisplayManager or Host.HostAction.StopService or Host.HostAction.StartService) };

    // Waits for the guest to exit; returns true when the watchdog had to stop it.
    private async Task<bool> WatchGuestAsync(HandoffPlan plan, List<string> problems, CancellationToken cancellationToken)
    {
        var exit = host.Guest.WaitForExitAsync(cancellationToken);
        if (_options.Health is { } health)
        {
            var time = _options.Time;
            var watchStarted = time.GetTimestamp();
            while (!exit.IsCompleted)
            {
                if (await IsHealthyAsync(health, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                if (time.GetElapsedTime(watchStarted) >= health.HealthyWithin)
                {
                    var message = $"The guest '{plan.Guest}' did not show it was healthy within {health.HealthyWithin.TotalSeconds:0.###} s; the watchdog stops it and gives '{plan.Gpu}' back.";
                    host.Log(message);
                    problems.Add(message);
                    return true;
                }

                await Task.WhenAny(exit, Task.Delay(health.PollInterval, time, cancellationToken)).ConfigureAwait(false);
            }
        }

        try
        {
            await exit.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled while the guest runs: give the GPU back (the undo of the start stops the guest).
        }

        return false;
    }

    private static async Task<bool> IsHealthyAsync(GuestHealth health, CancellationToken cancellationToken)
    {
        try
        {
            return await health.IsHealthy(cancellationToken).WaitAsync(health.PollInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or LodgeException or IOException)
        {
            return false;
        }
    }
}
