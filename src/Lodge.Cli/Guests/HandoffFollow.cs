using System.CommandLine;
using System.Runtime.InteropServices;
using Lodge.App.Handoff;
using Lodge.Core.Handoff;
using Lodge.Core.Planning;

namespace Lodge.Cli.Guests;

/// <summary><c>lodge up NAME</c> for a machine that hands its GPU over: starts the handoff's supervisor outside this
/// session and prints its progress until the GPU is back (or, with <c>--detach</c>, until the guest runs).</summary>
/// <remarks>This process only reads the supervisor's log and phase: a SIGHUP or a kill ends the following, never the
/// handoff. Each Ctrl-C is passed on to the supervisor (SIGINT): the first asks the guest to shut down through ACPI, a
/// second forces it off; following goes on until the GPU is back.</remarks>
public static class HandoffFollow
{
    /// <summary>Starts and follows; returns the supervisor's exit code (0 for a running guest with <paramref name="detach"/>).</summary>
    public static async Task<int> RunAsync(CliContext context, ParseResult parse, MachinePlan plan, bool detach, bool tcg, bool stopHolders, bool resetNvram, bool simulatedHost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plan);
        var lodge = context.Host(parse);
        var machine = plan.Machine.Name;
        var options = new List<string>();
        foreach (var (flag, on) in new[] { ("--stop-holders", stopHolders), ("--tcg", tcg), ("--reset-nvram", resetNvram), ("--simulated-host", simulatedHost) })
        {
            if (on)
            {
                options.Add(flag);
            }
        }

        var supervisor = new HandoffSupervisor(lodge, machine);
        var unit = await supervisor.StartUpAsync(plan.Machine, options, cancellationToken).ConfigureAwait(false);
        context.Error.WriteLine(unit is not null
            ? $"The handoff of '{machine}' runs in '{unit}.service' (log: {supervisor.Phase.LogPath}); this terminal may close without harm."
            : $"The handoff of '{machine}' runs in a session of its own (log: {supervisor.Phase.LogPath}); this terminal may close without harm.");
        var interrupts = 0;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
        {
            signal.Cancel = true;
            context.Error.WriteLine(Interlocked.Increment(ref interrupts) == 1
                ? $"Asking '{machine}' to power off; the GPU comes back after it."
                : $"Asking the supervisor to force '{machine}' off.");
        });
        var exit = await supervisor.FollowAsync(line => context.Error.WriteLine(line), detach, () => Volatile.Read(ref interrupts), cancellationToken).ConfigureAwait(false);
        if (detach && supervisor.Phase.Read() is { Phase: HandoffPhaseFile.Running } running)
        {
            context.Out.WriteLine($"'{machine}' runs with the GPU (supervisor pid {running.Pid}). Stop it with 'lodge down {machine}' (the GPU then comes back); 'lodge status {machine}' shows the handoff's phase.");
        }

        return exit;
    }
}
