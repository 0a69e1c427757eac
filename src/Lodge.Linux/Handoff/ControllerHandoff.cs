using Lodge.Core;
using Lodge.Core.Handoff;
using Lodge.Linux.Host;

namespace Lodge.Linux.Handoff;

/// <summary>Gives a machine's passed controllers to vfio-pci before its QEMU starts, and back to their drivers once QEMU is
/// gone: a <see cref="ControllerHandoffPlanner"/> plan, journaled like the GPU handoff.</summary>
/// <remarks>
/// <para>The journal (<c>{StateRoot}/NAME/controllers.journal</c>, the handoff journal's checksummed format) gets each
/// step's <c>begin</c> line, with its undo, synced before the step runs. Invariant: if <see cref="BindAsync"/> throws,
/// every applied step is undone (or, when an undo fails, the journal keeps it for <see cref="ReleaseAsync"/> and
/// <c>lodge rescue</c>). A kernel write that never returns wedges its device exactly as in the handoff: no later write
/// touches it, and only a reboot (then the boot rescue) frees it.</para>
/// <para><see cref="ReleaseAsync"/> is <see cref="HandoffRescue"/> over this journal: the undos of every step left
/// applied, in reverse; it runs at every stop (the runtime's clean-up), in <c>lodge rescue</c> for a guest that no
/// longer runs, and at boot. Once nothing is left the journal is deleted. It must run only after QEMU has exited: an
/// unbind from vfio-pci blocks while a process holds the device (lab-notes.md, 6.1).</para>
/// </remarks>
public sealed class ControllerHandoff(HandoffHost host, HandoffJournal journal)
{
    /// <summary>The journal's file name inside the machine's state folder.</summary>
    public const string JournalName = "controllers.journal";

    /// <summary>The journal this handoff keeps.</summary>
    public HandoffJournal Journal => journal;

    /// <summary>Runs the plan's steps; on a failure undoes the applied ones and throws.</summary>
    /// <exception cref="InvalidStateException">The plan has refusals, or an earlier binding in the journal could not be undone.</exception>
    /// <exception cref="HostWriteException">A step failed or timed out; what was applied has been undone as far as it could be.</exception>
    public async Task BindAsync(HandoffPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!plan.CanRun)
        {
            // Each refusal is a full sentence already.
            throw new InvalidStateException(string.Join(" ", plan.Refusals), HandoffReadiness.Refused.Word(), HandoffReadiness.Runnable.Word())
            {
                Hint = "Change the machine's [[usb]] controller entries (or the host) as said above; 'lodge check NAME' shows the machine's problems.",
            };
        }

        if (plan.Steps.Count == 0)
        {
            return; // every function is on vfio-pci already: nothing to journal, nothing to give back
        }

        if (!journal.IsClean)
        {
            // A guest of this machine died without its clean-up: give its controllers back first.
            await ReleaseAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            if (!journal.IsClean)
            {
                throw new InvalidStateException($"An earlier binding of '{plan.Guest}''s controllers in '{journal.Path}' could not be undone; nothing was changed.", "dirty journal", "clean journal")
                {
                    Hint = "Run 'lodge rescue' and read what it says.",
                };
            }
        }

        using var held = journal.TryLock() ?? throw new InvalidStateException($"Another lodge process holds '{journal.LockPath}' right now; nothing was changed.", "controllers busy", "controllers free")
        {
            Hint = $"Wait for it to end ('lodge status {plan.Guest}').",
        };
        journal.Start(plan.Guest, string.Join(",", plan.Endpoints));
        var results = new SortedDictionary<int, StepResult>();
        var applied = new List<HandoffStep>();
        var problems = new List<string>();
        var wedged = new List<HandoffOperation>();
        var runner = new HandoffOperationRunner(host);
        foreach (var step in plan.Steps)
        {
            journal.Append(new JournalEntry(JournalEntry.Begin, step.Index, step.Name, step.Undo, step.UndoLimit));
            try
            {
                await runner.RunAsync(step.Do, step.Timeout, cancellationToken).ConfigureAwait(false);
                journal.Append(new JournalEntry(JournalEntry.Done, step.Index));
                results[step.Index] = new StepResult(step.Index, step.Name, StepOutcome.Done);
                applied.Add(step);
                continue;
            }
            catch (Exception e) when (HandoffExecutor.IsTimeout(e))
            {
                // The write may still land: undo it too, unless it is stuck in the kernel (then the device is wedged).
                journal.Append(new JournalEntry(JournalEntry.TimedOut, step.Index, Detail: e.Message));
                results[step.Index] = new StepResult(step.Index, step.Name, StepOutcome.TimedOut, e.Message);
                applied.Add(step);
                problems.Add($"Step {step.Index} ({step.Name}) timed out: {e.Message}");
                if (HandoffExecutor.IsStuckKernelWrite(e))
                {
                    wedged.Add(step.Do);
                    journal.Append(new JournalEntry(JournalEntry.Wedged, step.Index, Detail: step.Do.Target));
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                journal.Append(new JournalEntry(JournalEntry.Failed, step.Index, Detail: e.Message));
                results[step.Index] = new StepResult(step.Index, step.Name, StepOutcome.Failed, e.Message);
                problems.Add($"Step {step.Index} ({step.Name}) failed: {e.Message}");
            }

            var clean = await HandoffExecutor.UndoAsync(runner, journal, applied, results, problems, host.Log, wedged: new Wedge(wedged, plan.Touches)).ConfigureAwait(false);
            if (clean)
            {
                DeleteJournal();
            }

            var left = clean ? "every step before it was undone" : $"'{journal.Path}' keeps what could not be undone for 'lodge rescue'";
            throw new HostWriteException(HostAction.ProbeDrivers, plan.Gpu.ToString(), $"Could not give '{string.Join("', '", plan.Endpoints)}' to vfio-pci for the guest '{plan.Guest}': {string.Join(" ", problems)} ({left}).");
        }
    }

    /// <summary>Undoes every step the journal shows applied, in reverse, and deletes the journal once nothing is left.</summary>
    /// <param name="afterBoot">At boot: the reboot already gave the controllers back to their drivers and unloaded
    /// vfio-pci, so failed undos are tolerated and the journal ends clean.</param>
    /// <param name="cancellationToken">Unused: giving back is never cut short.</param>
    /// <returns>The rescue's report; <see cref="HandoffReport.Steps"/> is empty when nothing was pending.</returns>
    public async Task<HandoffReport> ReleaseAsync(bool afterBoot = false, CancellationToken cancellationToken = default)
    {
        // Two processes may clean the same stopped guest at once (a foreground 'lodge up' whose QEMU exited, and the
        // 'lodge down --force' that stopped it: seen in the lab). One at a time, each looking again under the lock:
        // otherwise the second appends its 'clean' to a journal the first just deleted, and leaves a journal that
        // starts without its plan (unknown to every later rescue).
        using var releasing = await ReleaseLockAsync().ConfigureAwait(false);
        if (!File.Exists(journal.Path))
        {
            return new HandoffReport([], [HandoffState.Returned], false, []);
        }

        var report = await new HandoffRescue(host, journal).RunAsync(afterBoot).ConfigureAwait(false);
        if (journal.IsClean)
        {
            DeleteJournal();
        }

        return report;
    }

    // An exclusive flock on '<journal>.release', waited for up to a minute (a release undoes a few sysfs writes).
    private async Task<IDisposable?> ReleaseLockAsync()
    {
        var path = System.IO.Path.GetFullPath(journal.Path + ".release");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        for (var waited = 0; ; waited += 100)
        {
            try
            {
                // On Linux, FileShare.None takes flock(LOCK_EX | LOCK_NB); the kernel drops it when the process dies.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited < 60_000)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return null; // still held after a minute: go on; HandoffRescue's own lock keeps the undos apart
            }
        }
    }

    private void DeleteJournal()
    {
        // HOST EFFECT: none on the host; the journal of a binding fully undone goes, so no later run reads it again.
        // The lock file stays: deleting a lock another process may be opening would let two of them hold "it".
        File.Delete(journal.Path);
    }
}
