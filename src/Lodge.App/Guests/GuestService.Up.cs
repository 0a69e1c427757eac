using Lodge.App.Handoff;
using Lodge.App.Reports;
using Lodge.App.Switching;
using Lodge.Core;
using Lodge.Core.Reports;

namespace Lodge.App.Guests;

/// <summary><c>lodge up NAME</c> after <see cref="Prepare"/>: the handoff request, and the outcome report of a foreground or
/// detached start.</summary>
public sealed partial class GuestService
{
    /// <summary>The handoff of a prepared machine whose GPU goes to the guest; <c>lodge switch OTHER</c> reaches it (OTHER is
    /// planned here, against the same GPU and accelerator, and refused unless it takes that GPU).</summary>
    /// <param name="up">What <see cref="Prepare"/> made (<see cref="PreparedUp.HandsOff"/>).</param>
    /// <param name="stopHolders">Stop the GPU's holders instead of refusing.</param>
    /// <param name="phase">Records the handoff's phase for the command that follows the supervisor; null when nothing follows.</param>
    /// <param name="warning">Each warning of a machine planned for a switch.</param>
    /// <param name="info">Each thing done on the way for it.</param>
    public HandoffUpRequest HandoffRequest(PreparedUp up, bool stopHolders, Action<string>? phase, Action<string> warning, Action<string> info)
    {
        ArgumentNullException.ThrowIfNull(up);
        var machineName = up.Machine.Plan.Machine.Name;
        (Core.Machines.MachineConfig, Core.Runtime.LaunchSpec) PlanOther(string other)
        {
            var next = Prepare(new UpRequest(other, false, up.Accelerator == "tcg", false), warning, info);
            SwitchSlots.RequireSameGpu(next.Machine.Plan, up.Machine.Plan.Gpu.Device!.Address, machineName);
            return (next.Machine.Plan.Machine, next.Spec);
        }

        return new HandoffUpRequest(up.Machine, up.Spec, Runtime, stopHolders, up.Resolved()) { PlanOther = PlanOther, Phase = phase };
    }

    /// <summary>Runs a prepared guest in the foreground through <paramref name="run"/> (which starts it, shows it and returns
    /// its exit code, 0 for a clean end) and records the attempt: worked, failed while running, or failed to start.</summary>
    public async Task<int> RunRecordedAsync(PreparedUp up, Func<Task<int>> run, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(up);
        ArgumentNullException.ThrowIfNull(run);
        var recorder = new OutcomeRecorder(_lodge, warn);
        var (plan, host) = (up.Machine.Plan, up.Machine.Host);
        var resolved = up.Resolved();
        try
        {
            var exit = await run().ConfigureAwait(false);
            var result = exit == 0
                ? new ReportResult(true, true, null, null, null)
                : new ReportResult(true, false, null, "run", $"lodge up ended with exit code {exit}.");
            recorder.Record(host, plan.Machine, plan.Gpu.Device, result, resolved);
            return exit;
        }
        catch (LodgeException e)
        {
            recorder.Record(host, plan.Machine, plan.Gpu.Device, new ReportResult(false, false, null, "start", e.Message), resolved);
            throw;
        }
    }

    /// <summary>Starts a prepared guest under a detached supervisor through <paramref name="start"/> (given the supervisor's
    /// extra options, and what to do once it is spawned). A detached guest outlives this process: its report is opened here
    /// while the supervisor starts the guest (the database write adds nothing to the wait), its id handed over in
    /// <see cref="DetachedReportId.FileName"/>, and the supervisor records how the guest really ended.</summary>
    public async Task<int> StartDetachedRecordedAsync(PreparedUp up, Func<IReadOnlyList<string>, Action, Task<int>> start, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(up);
        ArgumentNullException.ThrowIfNull(start);
        var recorder = new OutcomeRecorder(_lodge, warn);
        var plan = up.Machine.Plan;
        var idFile = Path.Combine(up.Spec.Layout.RunDir, DetachedReportId.FileName);
        var options = DetachedSuperviseOptions(plan.Machine.Name);
        long? id = null;
        var spawned = false;
        void Open()
        {
            spawned = true;
            try
            {
                id = recorder.Record(up.Machine.Host, plan.Machine, plan.Gpu.Device, DetachedOutcome.Starting, up.Resolved());
            }
            finally
            {
                // Always written, so the supervisor never waits for an id that is not coming.
                DetachedReportId.Write(idFile, id);
            }
        }

        try
        {
            return await start(options, Open).ConfigureAwait(false);
        }
        catch (LodgeException e)
        {
            if (id is { } opened)
            {
                recorder.Update(plan.Machine.Name, opened, new ReportResult(false, false, null, "start", e.Message));
            }
            else if (!spawned)
            {
                // Refused before the supervisor was spawned: the attempt is recorded here, as a start that failed.
                recorder.Record(up.Machine.Host, plan.Machine, plan.Gpu.Device, new ReportResult(false, false, null, "start", e.Message), up.Resolved());
            }

            throw;
        }
    }
}
