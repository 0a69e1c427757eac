using System.Runtime.InteropServices;
using Lodge.App;
using Lodge.App.Guests;
using Lodge.App.Handoff;

namespace Lodge.Cli.Guests;

/// <summary><c>lodge up NAME</c> for a machine whose physical GPU goes to the guest (<c>handoff</c> or <c>dedicated</c>):
/// the <see cref="HandoffService"/> plans and runs it; this renders it and turns Ctrl-C into a clean way back.</summary>
/// <remarks>Runs inside <c>lodge handoff-supervise</c> (outside the session of the command the user typed), or in process
/// for a test's simulated host. Ctrl-C (or SIGTERM) powers the guest off through ACPI and then gives the GPU back.</remarks>
public static class HandoffUp
{
    /// <summary>Runs the handoff; returns the exit code (0 when the guest ran, stopped cleanly, and the host is as it was).</summary>
    /// <param name="context">Where the run is rendered.</param>
    /// <param name="lodge">The composition root: the host (read and written below <c>--root</c>), the journal, the doubles.</param>
    /// <param name="request">The planned machine, its guest, and whether to stop the GPU's holders.</param>
    /// <param name="cancellationToken">Stops the guest; the way back always runs.</param>
    public static async Task<int> RunAsync(CliContext context, LodgeHost lodge, HandoffUpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        void Log(string line) => context.Error.WriteLine(line);
        var service = new HandoffService(lodge);
        var powerOff = new GuestPowerOff(request.Runtime, TimeSpan.FromSeconds(request.Machine.Plan.Machine.ShutdownTimeoutSeconds), Log);
        request = request with { PowerOff = powerOff };
        var prepared = await service.PrepareAsync(request, Log, cancellationToken).ConfigureAwait(false);
        foreach (var warning in prepared.Plan.Warnings)
        {
            context.Error.WriteLine($"Warning: {warning}");
        }

        service.EnsureRunnable(prepared, Log);
        var machine = request.Machine.Plan.Machine.Name;
        var gpu = request.Machine.Plan.Gpu.Device!.Address;
        context.Error.WriteLine($"Handing '{gpu}' to '{machine}' ({prepared.Resolved["gpu-mode"]}); it comes back when the guest stops. Ctrl-C powers the guest off.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // While the guest runs, Ctrl-C asks it to shut down through ACPI (and only a second Ctrl-C forces it off); the GPU
        // comes back once it has exited. Before it runs, either signal rolls the handoff back.
        using var signals = new PowerOffSignals(powerOff, RollBack);
        // The terminal that started lodge often dies with the display manager this handoff stops (a desktop terminal
        // goes with its X server): its SIGHUP must neither kill lodge halfway nor stop the guest (the lab's scenario 5).
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal => signal.Cancel = true);
        var outcome = await service.RunAsync(prepared, Log, stop.Token).ConfigureAwait(false);
        await powerOff.Completion.ConfigureAwait(false);
        return Print(context, outcome);

        void RollBack()
        {
            // Never die mid-handoff: the way back must run.
            context.Error.WriteLine($"Stopping '{machine}' and giving '{gpu}' back to the host.");
            stop.Cancel();
        }
    }

    private static int Print(CliContext context, HandoffRunOutcome outcome)
    {
        var plan = outcome.Plan;
        foreach (var problem in outcome.Report.Problems)
        {
            context.Error.WriteLine($"  {problem}");
        }

        if (outcome.NeedsRescue)
        {
            context.Error.WriteLine($"Error: the host did not get everything back from '{plan.Guest}'; '{outcome.JournalPath}' keeps what is left.");
            foreach (var line in outcome.Diff)
            {
                context.Error.WriteLine($"  {line}");
            }

            context.Error.WriteLine("Run 'sudo lodge rescue' to undo the rest.");
            return ExitCodes.Error;
        }

        context.Out.WriteLine($"'{plan.Gpu}' is back with the host; the host is as it was before '{plan.Guest}' started.");
        if (outcome.Result.FailedStep is { } step)
        {
            context.Error.WriteLine($"Error: the handoff to '{plan.Guest}' stopped at '{step}': {outcome.Result.Error}");
            return ExitCodes.Error;
        }

        return outcome.Result.Healthy ? ExitCodes.Ok : ExitCodes.Error;
    }
}
