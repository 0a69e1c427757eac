using System.CommandLine;
using Lodge.Cli.Guests;
using Lodge.Cli.Machines;
using Lodge.Core;
using Lodge.Core.Doctor;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Qemu;
using Lodge.Core.Reports;
using Lodge.Core.Runtime;
using Lodge.Linux.Runtime;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge up NAME [--detach] [--tcg] [--stop-holders] [--reset-nvram]</c>: plans the machine against this host, hands its GPU over when it has one (foreground only), starts its helpers and QEMU, and records the outcome.</summary>
public static class UpCommand
{
    /// <summary>The <c>--stop-holders</c> option of <c>up</c> and <c>gpu handoff</c>.</summary>
    internal static Option<bool> StopHoldersOption() =>
        new("--stop-holders") { Description = "Stop the processes that hold the GPU (SIGTERM, then SIGKILL after 5 s) instead of refusing the handoff." };

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine to start." };
        var detach = new Option<bool>("--detach") { Description = "Leave the guest running under a background supervisor (not for machines that hand off a GPU)." };
        var tcg = new Option<bool>("--tcg") { Description = "Use QEMU's software emulator even when KVM is available." };
        var stopHolders = StopHoldersOption();
        var resetNvram = new Option<bool>("--reset-nvram") { Description = "Replace the guest's NVRAM with a fresh copy of its firmware template first (for a damaged one; the guest's boot entries and enrolled keys are lost)." };
        var command = new Command("up", "Start a guest: disks, NVRAM, TPM, shared folders, then QEMU; hands the GPU over and back for gpu.mode handoff or dedicated; runs in the foreground with a live status line unless --detach.");
        command.Arguments.Add(name);
        command.Options.Add(detach);
        command.Options.Add(tcg);
        command.Options.Add(stopHolders);
        command.Options.Add(resetNvram);
        command.SetAction((parse, cancellationToken) =>
            RunAsync(context, parse, parse.GetValue(name)!, parse.GetValue(detach), parse.GetValue(tcg), parse.GetValue(stopHolders), parse.GetValue(resetNvram), cancellationToken));
        return command;
    }

    /// <summary>The body of <c>lodge up NAME</c> (and of <c>lodge gpu handoff NAME</c> without --dry-run or --simulate).</summary>
    internal static async Task<int> RunAsync(CliContext context, ParseResult parse, string machineName, bool detach, bool forceTcg, bool stopHolders, bool resetNvram, CancellationToken cancellationToken)
    {
        var roots = context.Roots;
        var (plan, host) = MachinePlanning.Load(context, parse, machineName, MachinePlanning.LayoutOf(context, machineName));
        foreach (var warning in plan.Warnings)
        {
            context.Error.WriteLine("Warning: " + warning);
        }

        var handsOff = plan.Gpu.IsPassthrough && plan.Gpu.Mode is GpuMode.Handoff or GpuMode.Dedicated;
        if (handsOff && detach)
        {
            throw new ConfigException($"Machine '{machineName}' hands its GPU to the guest (gpu.mode '{plan.Gpu.Mode.Word()}'), so it cannot run with --detach: the GPU comes back only when the guest stops and lodge is there to undo the handoff.")
            {
                Hint = $"Run 'lodge up {machineName}' in the foreground (inside tmux or screen to leave it running).",
            };
        }

        var accel = "kvm";
        if (forceTcg)
        {
            accel = "tcg";
        }
        else if (HostDoctor.KvmAvailable(host) != true)
        {
            context.Error.WriteLine("Warning: KVM is not available here, so the guest runs under QEMU's software emulator (TCG) and will be slow.");
            accel = "tcg";
        }

        var spec = LaunchSpecBuilder.Build(plan, new QemuArgvOptions(accel));
        if (resetNvram)
        {
            GuestRuntime.ResetNvram(spec);
            context.Error.WriteLine($"Reset the NVRAM of '{machineName}' from its template.");
        }

        foreach (var share in plan.Machine.Shares.Where(s => s.Create && !Directory.Exists(s.Host)))
        {
            // HOST EFFECT: creates the share folder the machine asks for with create = true ('lodge check' refused system trees).
            Directory.CreateDirectory(share.Host);
            context.Error.WriteLine($"Created the share folder '{share.Host}'.");
        }

        var runtime = new GuestRuntime(roots);
        var database = context.Host(parse);
        var resolved = new Dictionary<string, string> { ["accel"] = accel };
        if (handsOff)
        {
            // 'lodge switch OTHER' reaches this process: OTHER is planned here, against the same GPU and accelerator.
            (MachineConfig, LaunchSpec) PlanOther(string other)
            {
                var (otherPlan, _) = MachinePlanning.Load(context, parse, other, MachinePlanning.LayoutOf(context, other));
                SwitchCommand.RequireSameGpu(otherPlan, plan.Gpu.Device!.Address, machineName);
                return (otherPlan.Machine, LaunchSpecBuilder.Build(otherPlan, new QemuArgvOptions(accel)));
            }

            return await HandoffUp.RunAsync(context, plan, host, spec, database, runtime, stopHolders, resolved, PlanOther, cancellationToken).ConfigureAwait(false);
        }

        var launcher = new GuestLauncher(context, runtime);
        if (detach)
        {
            return await DetachAsync(context, launcher, spec, host, plan, database, resolved, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var exit = await launcher.RunForegroundAsync(spec, cancellationToken).ConfigureAwait(false);
            var result = exit == ExitCodes.Ok
                ? new ReportResult(true, true, null, null, null)
                : new ReportResult(true, false, null, "run", $"lodge up ended with exit code {exit}.");
            OutcomeRecorder.Record(context, database, host, plan.Machine, plan.Gpu.Device, result, resolved);
            return exit;
        }
        catch (LodgeException e)
        {
            OutcomeRecorder.Record(context, database, host, plan.Machine, plan.Gpu.Device, new ReportResult(false, false, null, "start", e.Message), resolved);
            throw;
        }
    }

    // A detached guest outlives this process: its report is opened here, before the supervisor starts (so a database
    // error is a warning before anything runs), and the supervisor records how the guest really ended.
    private static async Task<int> DetachAsync(CliContext context, GuestLauncher launcher, LaunchSpec spec, HostSnapshot host, MachinePlan plan, Lodge.App.LodgeHost database, Dictionary<string, string> resolved, CancellationToken cancellationToken)
    {
        var id = OutcomeRecorder.Record(context, database, host, plan.Machine, plan.Gpu.Device, DetachedOutcome.Starting, resolved);
        string[] options = id is { } report
            ? ["--reports-db", Path.GetFullPath(database.Paths.ReportsDatabase), "--report-id", report.ToString(System.Globalization.CultureInfo.InvariantCulture)]
            : [];
        try
        {
            return await launcher.StartDetachedAsync(spec, cancellationToken, options).ConfigureAwait(false);
        }
        catch (LodgeException e)
        {
            if (id is { } opened)
            {
                OutcomeRecorder.Update(context, database, plan.Machine.Name, opened, new ReportResult(false, false, null, "start", e.Message));
            }

            throw;
        }
    }
}
