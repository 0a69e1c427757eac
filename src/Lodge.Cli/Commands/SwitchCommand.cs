using System.CommandLine;
using Lodge.App.Switching;
using Lodge.Core;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge switch NAME [--force] [--tcg]</c>: give the GPU another guest holds to NAME, without the host taking it
/// back in between; with no guest holding it, the same as <c>lodge up NAME</c>.</summary>
public static class SwitchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine that gets the GPU." };
        var force = new Option<bool>("--force") { Description = "Force the guest that holds the GPU off if it does not power off within its timeout (it loses what it has not saved)." };
        var tcg = new Option<bool>("--tcg") { Description = "When no guest holds the GPU and NAME starts here: use QEMU's software emulator." };
        var command = new Command("switch", "Give the GPU to NAME: the guest that holds it is shut down through ACPI (a force-off only with --force), NAME starts with it; if NAME fails the previous guest comes back, and if that fails too the host gets the GPU back.");
        command.Arguments.Add(name);
        command.Options.Add(force);
        command.Options.Add(tcg);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var to = parse.GetValue(name)!;
            var service = new SwitchService(context.Host(parse));
            var target = service.Target(to);
            if (target.Holder is null)
            {
                context.Error.WriteLine($"No guest holds the GPU; starting '{to}' with it.");
                return await UpCommand.RunAsync(context, parse, to, detach: false, parse.GetValue(tcg), stopHolders: false, resetNvram: false, cancellationToken).ConfigureAwait(false);
            }

            var result = await service.RequestAsync(target, parse.GetValue(force), line => context.Error.WriteLine(line), cancellationToken).ConfigureAwait(false);
            return Render(result, context.Out.WriteLine, context.Error.WriteLine);
        });
        return command;
    }

    /// <summary>How a switch ended, as <c>lodge switch</c> prints it (and the dashboard shows it); a refusal throws, with its fix.</summary>
    internal static int Render(SwitchResult result, Action<string> output, Action<string> error)
    {
        switch (result.Outcome)
        {
            case SwitchOutcome.Switched:
                output(result.Message);
                return ExitCodes.Ok;
            case SwitchOutcome.Refused or SwitchOutcome.NeedsForce:
                throw new InvalidStateException(result.Message, "switch refused", "switched") { Hint = result.Hint };
            default:
                error($"Error: {result.Message}");
                if (result.Hint is { } hint)
                {
                    error(hint);
                }

                return ExitCodes.Error;
        }
    }
}
