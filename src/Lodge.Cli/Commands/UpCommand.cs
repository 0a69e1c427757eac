using System.CommandLine;
using Lodge.App.Guests;
using Lodge.App.Handoff;
using Lodge.Cli.Guests;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge up NAME [--detach] [--tcg] [--stop-holders] [--reset-nvram]</c>: plans the machine against this host, hands its GPU over when it has one (through a supervisor outside this session), starts its helpers and QEMU, and records the outcome.</summary>
public static class UpCommand
{
    /// <summary>The <c>--stop-holders</c> option of <c>up</c> and <c>gpu handoff</c>.</summary>
    internal static Option<bool> StopHoldersOption() =>
        new("--stop-holders") { Description = "Stop the processes that hold the GPU (SIGTERM, then SIGKILL after 5 s) instead of refusing the handoff." };

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine to start." };
        var detach = new Option<bool>("--detach") { Description = "Leave the guest running under a background supervisor (for a GPU handoff: return once the guest runs with the GPU)." };
        var tcg = new Option<bool>("--tcg") { Description = "Use QEMU's software emulator even when KVM is available." };
        var stopHolders = StopHoldersOption();
        var resetNvram = new Option<bool>("--reset-nvram") { Description = "Replace the guest's NVRAM with a fresh copy of its firmware template first (for a damaged one; the guest's boot entries and enrolled keys are lost)." };
        var command = new Command("up", "Start a guest: disks, NVRAM, TPM, shared folders, then QEMU; hands the GPU over and back for gpu.mode handoff or dedicated; runs in the foreground with a live status line unless --detach.");
        command.Arguments.Add(name);
        command.Options.Add(detach);
        command.Options.Add(tcg);
        command.Options.Add(stopHolders);
        command.Options.Add(resetNvram);
        var simulated = HandoffSuperviseCommand.SimulatedHostOption();
        command.Options.Add(simulated);
        command.SetAction((parse, cancellationToken) =>
            RunAsync(context, parse, parse.GetValue(name)!, parse.GetValue(detach), parse.GetValue(tcg), parse.GetValue(stopHolders), parse.GetValue(resetNvram), cancellationToken, simulatedHost: parse.GetValue(simulated)));
        return command;
    }

    /// <summary>The body of <c>lodge up NAME</c> (and of <c>lodge gpu handoff NAME</c> without --dry-run or --simulate).</summary>
    /// <param name="phase">Inside <c>lodge handoff-supervise</c>: records the handoff's phase (the handoff runs here). Null
    /// in the command the user typed, which starts that supervisor and follows it.</param>
    /// <param name="simulatedHost">The hidden <c>--simulated-host</c>: the supervisor runs against the simulated kernel.</param>
    internal static async Task<int> RunAsync(CliContext context, ParseResult parse, string machineName, bool detach, bool forceTcg, bool stopHolders, bool resetNvram, CancellationToken cancellationToken, Action<string>? phase = null, bool simulatedHost = false)
    {
        var lodge = context.Host(parse);
        var guests = new GuestService(lodge);
        var asked = new UpRequest(machineName, detach, forceTcg, resetNvram);
        // A detached start's supervisor is spawned now and does its own start-up while the plan is made; it waits for word
        // from StartDetachedAsync and is sent away when the plan ends anywhere else (an error, a handoff).
        using var early = detach && phase is null ? guests.SpawnSupervisorIfPossible(machineName, guests.DetachedSuperviseOptions(machineName)) : null;
        if (early is not null)
        {
            // The JSON contracts of launch.json and state.json, built on another thread while this one plans.
            _ = Task.Run(Lodge.Linux.Runtime.JsonWarmUp.DetachedStart, cancellationToken);
        }

        // One plan (one host scan) says both whether this is a handoff and how to start the guest.
        var planned = guests.Plan(asked);
        if (phase is null && context.Options.Handoff is null && planned.Plan.Gpu.IsPassthrough && planned.Plan.Gpu.Mode is Core.Machines.GpuMode.Handoff or Core.Machines.GpuMode.Dedicated)
        {
            // The handoff runs outside this session (issue 13, item 3); this command follows it and may die without harm.
            // Its own supervisor starts the guest: the one spawned ahead goes now, not when the handoff is over.
            early?.Dispose();
            return await HandoffFollow.RunAsync(context, parse, planned.Plan, detach, forceTcg, stopHolders, resetNvram, simulatedHost, cancellationToken).ConfigureAwait(false);
        }

        var up = guests.PreparePlanned(asked, planned, warning => context.Error.WriteLine("Warning: " + warning), context.Error.WriteLine);
        if (up.HandsOff)
        {
            early?.Dispose();
            var request = guests.HandoffRequest(up, stopHolders, phase, warning => context.Error.WriteLine("Warning: " + warning), context.Error.WriteLine);
            return await HandoffUp.RunAsync(context, lodge, request, cancellationToken).ConfigureAwait(false);
        }

        var launcher = new GuestLauncher(context, guests);
        if (detach)
        {
            return await guests.StartDetachedRecordedAsync(up, (options, spawned) => launcher.StartDetachedAsync(up.Spec, cancellationToken, options, spawned, early), context.Error.WriteLine).ConfigureAwait(false);
        }

        var shutdownTimeout = TimeSpan.FromSeconds(up.Machine.Plan.Machine.ShutdownTimeoutSeconds);
        return await guests.RunRecordedAsync(up, () => launcher.RunForegroundAsync(up.Spec, shutdownTimeout, cancellationToken), context.Error.WriteLine).ConfigureAwait(false);
    }
}
