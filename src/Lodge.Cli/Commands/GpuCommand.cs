using System.CommandLine;
using System.Runtime.InteropServices;
using Lodge.App.Handoff;
using Lodge.App.Machines;
using Lodge.Cli.Json;
using Lodge.Cli.Rendering;
using Lodge.Core;
using Lodge.Linux.Simulation;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge gpu handoff NAME [--dry-run | --simulate [--fail-at N | --hang-at N | --crash-at N] | --stop-holders]</c>; without --dry-run or --simulate it is <c>lodge up NAME</c>.</summary>
public static class GpuCommand
{
    /// <summary>Builds <c>lodge gpu</c> and its <c>handoff</c> subcommand.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine whose GPU is handed off." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print every step, its undo and its timeout; change nothing." };
        var simulate = new Option<bool>("--simulate") { Description = "Run the whole handoff against a copy of the --root tree under a simulated kernel and guest; print JSON." };
        var failAt = new Option<int?>("--fail-at") { Description = "With --simulate: step N's write is refused.", HelpName = "N" };
        var hangAt = new Option<int?>("--hang-at") { Description = "With --simulate: step N's write never returns.", HelpName = "N" };
        var crashAt = new Option<int?>("--crash-at") { Description = "With --simulate: lodge is killed after step N; then 'lodge rescue' runs from the journal.", HelpName = "N" };
        var stopHolders = UpCommand.StopHoldersOption();
        var detach = new Option<bool>("--detach") { Description = "Return once the guest runs with the GPU; the supervisor gives the GPU back when it stops." };
        var simulatedHost = HandoffSuperviseCommand.SimulatedHostOption();
        var handoff = new Command("handoff", "Hand the machine's GPU to its guest and get it back: plan (--dry-run), simulate (--simulate), or run it for real (the same as 'lodge up NAME').");
        handoff.Arguments.Add(name);
        foreach (var option in new Option[] { dryRun, simulate, failAt, hangAt, crashAt, stopHolders, detach, simulatedHost })
        {
            handoff.Options.Add(option);
        }

        handoff.SetAction((parse, cancellationToken) =>
        {
            if (!parse.GetValue(dryRun) && !parse.GetValue(simulate) && parse.GetValue(failAt) is null && parse.GetValue(hangAt) is null && parse.GetValue(crashAt) is null)
            {
                // A real handoff is 'lodge up NAME': the guest's life runs inside it, and the outcome is recorded.
                return UpCommand.RunAsync(context, parse, parse.GetValue(name)!, parse.GetValue(detach), forceTcg: false, parse.GetValue(stopHolders), resetNvram: false, cancellationToken, simulatedHost: parse.GetValue(simulatedHost));
            }

            return Task.FromResult(PlanOrSimulate(context, parse, name, dryRun, simulate, failAt, hangAt, crashAt, cancellationToken));
        });
        var gpu = new Command("gpu", "Work with a machine's GPU.");
        gpu.Subcommands.Add(handoff);
        return gpu;
    }

    private static int PlanOrSimulate(CliContext context, ParseResult parse, Argument<string> name, Option<bool> dryRun, Option<bool> simulate, Option<int?> failAt, Option<int?> hangAt, Option<int?> crashAt, CancellationToken cancellationToken)
    {
        var machine = parse.GetValue(name)!;
        var faults = new[] { (SimulationFault.Fail, parse.GetValue(failAt)), (SimulationFault.Hang, parse.GetValue(hangAt)), (SimulationFault.Crash, parse.GetValue(crashAt)) }
            .Where(f => f.Item2 is not null).Select(f => new SimulationFault(f.Item1, f.Item2!.Value)).ToList();
        var lodge = context.Host(parse);

        // A plan or a simulation of a machine that 'check' (and so 'up') refuses would show a handoff that never runs: the
        // same problems as 'check', on stderr, then the same refusal (issue 13, item 8).
        var service = new HandoffService(lodge);
        if (service.RefusalBeforePlan(machine, parse.GetValue(simulate)) is { } check)
        {
            foreach (var problem in check.Problems)
            {
                context.Error.WriteLine(problem.Format());
            }

            MachineService.EnsureValid(check, machine);
        }

        if (parse.GetValue(simulate))
        {
            if (faults.Count > 1)
            {
                throw TooManyFaults();
            }

            return Simulate(context, service, new HandoffSimulationRequest(machine, faults.SingleOrDefault()), cancellationToken);
        }

        if (faults.Count > 0)
        {
            throw TooManyFaults();
        }

        var plan = service.DryRun(machine);
        HandoffPlanView.Write(context.Out, plan);
        return plan.CanRun ? ExitCodes.Ok : ExitCodes.Error;
    }

    private static ConfigException TooManyFaults() => new("Use at most one of --fail-at, --hang-at and --crash-at, and only with --simulate.");

    private static int Simulate(CliContext context, HandoffService service, HandoffSimulationRequest request, CancellationToken cancellationToken)
    {
        // Ctrl-C stops the simulation instead of killing the process, so the copy of the tree is always deleted.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        HandoffSimulationResult result;
        try
        {
            result = service.SimulateAsync(request, stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return Interrupted();
        }

        // A Ctrl-C that lands after the copy, while the simulated steps run, rolls them back: still an interruption, not
        // a result (the copy is deleted either way).
        if (stop.IsCancellationRequested)
        {
            return Interrupted();
        }

        if (!result.Plan.CanRun)
        {
            HandoffPlanView.Write(context.Error, result.Plan);
            return ExitCodes.Error;
        }

        context.Out.Write(HandoffJson.Write(result));
        return result.Restored ? ExitCodes.Ok : ExitCodes.Error;

        int Interrupted()
        {
            context.Error.WriteLine("Error: the simulation was interrupted; its copy of the tree is deleted.");
            return ExitCodes.Error;
        }

        void Interrupt(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }
    }
}
