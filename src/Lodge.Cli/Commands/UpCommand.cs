using System.CommandLine;
using Lodge.Cli.Guests;
using Lodge.Cli.Machines;
using Lodge.Core;
using Lodge.Core.Doctor;
using Lodge.Core.Qemu;
using Lodge.Core.Reports;
using Lodge.Core.Runtime;
using Lodge.Linux.Runtime;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge up NAME [--detach] [--tcg]</c>: plans the machine against this host, starts its helpers and QEMU, and records the outcome.</summary>
public static class UpCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine to start." };
        var detach = new Option<bool>("--detach") { Description = "Leave the guest running under a background supervisor." };
        var tcg = new Option<bool>("--tcg") { Description = "Use QEMU's software emulator even when KVM is available." };
        var command = new Command("up", "Start a guest: disks, NVRAM, TPM, shared folders, then QEMU; runs in the foreground with a live status line unless --detach.");
        command.Arguments.Add(name);
        command.Options.Add(detach);
        command.Options.Add(tcg);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var machineName = parse.GetValue(name)!;
            var roots = RuntimeRoots.FromEnvironment();
            var (plan, host) = MachinePlanning.Load(parse, machineName, new RuntimeLayout(roots.RunDir(machineName), roots.StateDir(machineName)));
            var accel = "kvm";
            if (parse.GetValue(tcg))
            {
                accel = "tcg";
            }
            else if (HostDoctor.KvmAvailable(host) != true)
            {
                context.Error.WriteLine("Warning: KVM is not available here, so the guest runs under QEMU's software emulator (TCG) and will be slow.");
                accel = "tcg";
            }

            var spec = LaunchSpecBuilder.Build(plan, new QemuArgvOptions(accel));
            var launcher = new GuestLauncher(context, new GuestRuntime(roots));
            var database = parse.GetValue(ReportCommand.DatabaseOption);
            var resolved = new Dictionary<string, string> { ["accel"] = accel };
            try
            {
                var exit = parse.GetValue(detach)
                    ? await launcher.StartDetachedAsync(spec, cancellationToken)
                    : await launcher.RunForegroundAsync(spec, cancellationToken);
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
        });
        return command;
    }
}
