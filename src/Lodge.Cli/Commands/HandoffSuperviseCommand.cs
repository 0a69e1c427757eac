using System.CommandLine;
using Lodge.App.Handoff;
using Lodge.Core;
using Lodge.Core.Handoff;
using Lodge.Linux;
using Lodge.Linux.Simulation;

namespace Lodge.Cli.Commands;

/// <summary>Hidden <c>lodge handoff-supervise NAME</c>: the process that runs a handoff, the guest's life and the way back,
/// outside the session of the command the user typed (a transient unit <c>lodge-NAME</c>, or its own session).</summary>
/// <remarks>Its output goes to <c>handoff.log</c> and its phase to <c>handoff.json</c> in the machine's run folder
/// (<see cref="HandoffPhaseFile"/>); SIGTERM (<c>systemctl stop</c>, or Ctrl-C in the following command) powers the guest
/// off and gives the GPU back.</remarks>
public static class HandoffSuperviseCommand
{
    /// <summary>The hidden <c>--simulated-host</c> option of <c>up</c>, <c>gpu handoff</c> and this command.</summary>
    internal static Option<bool> SimulatedHostOption() =>
        new("--simulated-host") { Description = "Run the supervised handoff against the simulated kernel over a copy of --root (specs and the lab).", Hidden = true };

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine whose GPU is handed off." };
        var stopHolders = UpCommand.StopHoldersOption();
        var tcg = new Option<bool>("--tcg") { Description = "Use QEMU's software emulator." };
        var resetNvram = new Option<bool>("--reset-nvram") { Description = "Replace the guest's NVRAM with a fresh copy first." };
        var simulated = SimulatedHostOption();
        var command = new Command("handoff-supervise", "Run a GPU handoff outside the caller's session (started by 'lodge up').") { Hidden = true };
        command.Arguments.Add(name);
        foreach (var option in new Option[] { stopHolders, tcg, resetNvram, simulated })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) => RunAsync(context, parse, parse.GetValue(name)!, parse.GetValue(stopHolders), parse.GetValue(tcg), parse.GetValue(resetNvram), parse.GetValue(simulated), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, string machine, bool stopHolders, bool tcg, bool resetNvram, bool simulated, CancellationToken cancellationToken)
    {
        var lodge = context.Host(parse);
        var file = new HandoffPhaseFile(lodge.Paths.Roots, machine);
        var pid = Environment.ProcessId;
        var unit = HandoffSupervisor.SystemdIsInit() ? HandoffSupervisorCommand.UnitName(machine) + ".service" : null;
        void Phase(string phase) => file.Write(pid, phase, unit, null, context.Time.GetUtcNow());
        Phase(HandoffPhaseFile.Starting);
        var exit = ExitCodes.InternalError;
        SimulatedKernel? kernel = null;
        try
        {
            if (simulated)
            {
                if (lodge.Root.IsSystemRoot)
                {
                    throw new ConfigException("--simulated-host needs --root DIR with a captured host tree; it never copies the running system.");
                }

                kernel = new SimulatedKernel(lodge.Root.Path, cancellationToken);
                var simulatedKernel = kernel;
                context = context with { Options = context.Options with { Handoff = (host, _, _) => SimulatedHandoffEnvironment.Create(host, simulatedKernel) } };
            }

            exit = await UpCommand.RunAsync(context, parse, machine, detach: false, tcg, stopHolders, resetNvram, cancellationToken, Phase).ConfigureAwait(false);
        }
        catch (LodgeException e)
        {
            // Printed here, before 'ended' is written: the following command copies the log up to that record.
            LodgeApp.PrintChain(context.Error, e);
            exit = e.ExitCode;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context.Error.WriteLine("Error: lodge hit an unexpected error, which is a bug.");
            context.Error.WriteLine(e.ToString());
            exit = ExitCodes.InternalError;
        }
        finally
        {
            kernel?.Dispose();
            context.Out.Flush();
            context.Error.Flush();
            file.Write(pid, HandoffPhaseFile.Ended, unit, exit, context.Time.GetUtcNow());
        }

        return exit;
    }
}
