using System.CommandLine;
using System.Runtime.InteropServices;
using Lodge.App.Host;
using Lodge.Cli.Json;
using Lodge.Cli.Machines;
using Lodge.Cli.Rendering;
using Lodge.Core;
using Lodge.Core.Handoff;
using Lodge.Linux;
using Lodge.Linux.Handoff;
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
        var root = parse.GetValue(LodgeApp.RootOption) ?? "/";
        if (parse.GetValue(simulate) && HostRoot.Normalize(Path.GetFullPath(root)) == "/")
        {
            // The simulation works on a copy of the tree: a copy of the running system would be all of / (secrets included).
            throw new ConfigException("--simulate needs --root DIR with a captured host tree (for example an unpacked 'lodge snapshot'); it never copies the running system.")
            {
                Hint = $"Run 'lodge snapshot -o host.tar.gz', unpack it with 'mkdir host && tar xzf host.tar.gz -C host', then 'lodge gpu handoff {parse.GetValue(name)} --simulate --root host'.",
            };
        }

        // A plan or a simulation of a machine that 'check' (and so 'up') refuses would show a handoff that never runs.
        MachinePlanning.RequireValid(context, parse, parse.GetValue(name)!);
        var store = context.Host(parse).Machines;
        var machine = store.Load(parse.GetValue(name)!).Machine;
        var faults = new[] { (SimulationFault.Fail, parse.GetValue(failAt)), (SimulationFault.Hang, parse.GetValue(hangAt)), (SimulationFault.Crash, parse.GetValue(crashAt)) }
            .Where(f => f.Item2 is not null).Select(f => new SimulationFault(f.Item1, f.Item2!.Value)).ToList();
        if (faults.Count > 1 || (faults.Count == 1 && !parse.GetValue(simulate)))
        {
            throw new ConfigException("Use at most one of --fail-at, --hang-at and --crash-at, and only with --simulate.");
        }

        if (parse.GetValue(simulate))
        {
            return Simulate(context, machine, root, faults.SingleOrDefault(), cancellationToken);
        }

        var (host, _) = HostLoader.Load(root);
        var request = Request(machine, GpuResolver.Resolve(machine, host), displayManagerActive: null, new HandoffTimeouts());

        // The endpoints come from the plan; the holders of those endpoints then decide whether it may run.
        var endpoints = HandoffPlanner.Plan(host, request).Endpoints;
        var holders = new ProcHolderScanner(new HostRoot(root)).ScanAsync(endpoints).GetAwaiter().GetResult();
        var plan = HandoffPlanner.Plan(host, request with { Holders = holders });
        HandoffPlanView.Write(context.Out, plan);
        return plan.CanRun ? ExitCodes.Ok : ExitCodes.Error;
    }

    private static HandoffRequest Request(Core.Machines.MachineConfig machine, Core.Hardware.PciAddress gpu, bool? displayManagerActive, HandoffTimeouts timeouts) =>
        new(machine.Name, gpu, machine.Gpu!.Mode, [], displayManagerActive) { Timeouts = timeouts };

    private static int Simulate(CliContext context, Core.Machines.MachineConfig machine, string root, SimulationFault? fault, CancellationToken cancellationToken)
    {
        // Short limits: a hung step costs half a second, not the production minute; the others get room for a busy machine.
        var timeouts = HandoffTimeouts.All(TimeSpan.FromSeconds(5));

        // Ctrl-C stops the simulation instead of killing the process, so the copy of the tree is always deleted.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        HandoffSimulationResult result;
        try
        {
            result = HandoffSimulation.RunAsync(root, snapshot => Request(machine, GpuResolver.Resolve(machine, snapshot), null, timeouts), fault, hangTimeout: TimeSpan.FromMilliseconds(500), cancellationToken: stop.Token)
                .GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            context.Error.WriteLine("Error: the simulation was interrupted; its copy of the tree is deleted.");
            return ExitCodes.Error;
        }
        catch (IOException e)
        {
            throw new HostAccessException($"The tree '{root}' could not be copied for the simulation: {e.Message}", root, e)
            {
                Hint = "Point --root at a captured host tree of regular files, folders and links (for example an unpacked 'lodge snapshot').",
            };
        }
        if (!result.Plan.CanRun)
        {
            HandoffPlanView.Write(context.Error, result.Plan);
            return ExitCodes.Error;
        }

        context.Out.Write(HandoffJson.Write(result));
        return result.Restored ? ExitCodes.Ok : ExitCodes.Error;

        void Interrupt(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }
    }
}
