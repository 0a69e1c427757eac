using System.CommandLine;
using Lodge.App.Host;
using Lodge.App.Machines;
using Lodge.Cli.Rendering;
using Lodge.Core;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;
using Lodge.Core.Setup;
using Lodge.Linux.Processes;
using Lodge.Linux.Setup;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge setup</c>: show, apply, confirm, revert and list the host changes the machines need (issue 6).</summary>
public static class SetupCommand
{
    /// <summary>Replaces the process runner (tests record the commands instead of running them); null runs them for real.</summary>
    internal static Func<IProcessRunner>? RunnerFactory { get; set; }

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var forOption = new Option<string[]>("--for") { Description = "Set up the host for these machines only (default: every machine).", HelpName = "NAME", AllowMultipleArgumentsPerToken = true };
        var apply = new Option<bool>("--apply") { Description = "Write the files (with backups in /var/lib/lodge/setup) and run the commands." };
        var confirm = new Option<bool>("--confirm") { Description = "After a good trial boot, make the new kernel command line the default." };
        var revert = new Option<string?>("--revert") { Description = "Restore the files of an apply (the latest when no ID is given) and regenerate.", HelpName = "ID", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<bool>("--list") { Description = "Show past applies." };
        var command = new Command("setup", "Show the host changes (kernel parameters, modules, initramfs, ...) the machines need as diffs; apply, confirm or revert them.");
        foreach (var option in new Option[] { forOption, apply, confirm, revert, list })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var rootPath = parse.GetValue(LodgeApp.RootOption) ?? "/";
            var executor = new SetupExecutor(rootPath, context.Time, context.Out, RunnerFactory?.Invoke());
            var modes = new[] { parse.GetValue(apply), parse.GetValue(confirm), parse.GetResult(revert) is not null, parse.GetValue(list) }.Count(m => m);
            if (modes > 1)
            {
                throw new ConfigException("Use only one of --apply, --confirm, --revert and --list.") { Hint = "Run 'lodge setup' alone first to see the changes." };
            }

            if (parse.GetValue(list))
            {
                SetupView.WriteList(context.Out, executor.List());
                return ExitCodes.Ok;
            }

            if (parse.GetResult(revert) is not null)
            {
                var reverted = executor.Revert(parse.GetValue(revert));
                context.Out.WriteLine($"Reverted setup '{reverted.Id}': {reverted.Files.Count} file(s) restored.");
                return ExitCodes.Ok;
            }

            var machines = LoadMachines(context.Host(parse).Machines, parse.GetValue(forOption) ?? []);
            var phase = parse.GetValue(confirm) ? SetupPhase.Confirm : SetupPhase.Apply;
            var (host, _) = HostLoader.Load(rootPath);
            var plan = SetupPlanner.Plan(host, machines, SetupFiles.Read(rootPath), phase);
            SetupView.WritePlan(context.Out, plan);
            if (plan.Error is { } error)
            {
                throw new SetupException(error.Message, error.Path) { Hint = error.Hint + "\nNothing was written." };
            }

            if (plan.IsEmpty)
            {
                context.Out.WriteLine(machines.Count == 0 ? "There are no machines, so there is nothing to set up." : "The host already has everything these machines need.");
                return ExitCodes.Ok;
            }

            if (!parse.GetValue(apply) && phase == SetupPhase.Apply)
            {
                context.Out.WriteLine("Nothing was written. Run 'lodge setup --apply' to apply these changes.");
                return ExitCodes.Ok;
            }

            var id = executor.Apply(plan, [.. machines.Select(m => m.Name)]);
            context.Out.WriteLine($"Applied setup '{id}': {plan.Changes.Count} file(s) written; backups in {SetupExecutor.BackupDirectory}/{id}.");
            if (phase == SetupPhase.Apply && plan.KernelParameters.Count > 0)
            {
                context.Out.WriteLine("The new kernel command line boots once on trial; the old entry stays the default. After a good boot, run 'lodge setup --confirm'.");
            }

            context.Out.WriteLine($"To undo it, run 'lodge setup --revert {id}'.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static List<MachineConfig> LoadMachines(MachineStore store, IReadOnlyList<string> names)
    {
        var parsed = names.Count == 0 ? store.LoadAll() : [.. names.Select(store.Load)];
        foreach (var p in parsed)
        {
            if (p.Problems.Any(x => x.Severity == Severity.Error))
            {
                throw new ConfigException($"The machine '{p.Machine.Name}' has errors, so setup cannot tell what it needs.") { Hint = $"Run 'lodge check {p.Machine.Name}' and fix them." };
            }
        }

        return [.. parsed.Select(p => p.Machine)];
    }
}
