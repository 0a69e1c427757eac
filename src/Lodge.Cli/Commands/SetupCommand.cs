using System.CommandLine;
using Lodge.App.Setup;
using Lodge.Cli.Rendering;
using Lodge.Core;
using Lodge.Core.Setup;
using Lodge.Linux.Setup;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge setup</c>: show, apply, confirm, revert and list the host changes the machines need (issue 6).</summary>
public static class SetupCommand
{
    /// <summary>Replaces the process runner (tests record the commands instead of running them); null runs them for real.</summary>

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
            var setup = new SetupService(context.Host(parse), context.Out);
            var modes = new[] { parse.GetValue(apply), parse.GetValue(confirm), parse.GetResult(revert) is not null, parse.GetValue(list) }.Count(m => m);
            if (modes > 1)
            {
                throw new ConfigException("Use only one of --apply, --confirm, --revert and --list.") { Hint = "Run 'lodge setup' alone first to see the changes." };
            }

            if (parse.GetValue(list))
            {
                SetupView.WriteList(context.Out, setup.List());
                return ExitCodes.Ok;
            }

            if (parse.GetResult(revert) is not null)
            {
                var reverted = setup.Revert(parse.GetValue(revert));
                context.Out.WriteLine($"Reverted setup '{reverted.Id}': {reverted.Files.Count} file(s) restored.");
                return ExitCodes.Ok;
            }

            var phase = parse.GetValue(confirm) ? SetupPhase.Confirm : SetupPhase.Apply;
            var preview = setup.Plan(parse.GetValue(forOption) ?? [], phase);
            var (plan, machines) = (preview.Plan, preview.Machines);
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

            var id = setup.Apply(preview);
            context.Out.WriteLine($"Applied setup '{id}': {plan.Changes.Count} file(s) written; backups in {setup.BackupDirectory}/{id}.");
            if (phase == SetupPhase.Apply && plan.TrialBoot)
            {
                context.Out.WriteLine("The trial entry boots once at the next reboot, with its own command line and initramfs; the old entry stays the default and boots exactly as before. After a good boot, run 'lodge setup --confirm'.");
            }

            context.Out.WriteLine($"To undo it, run 'lodge setup --revert {id}'.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
