using System.CommandLine;
using Lodge.App.Guests;
using Lodge.Linux.Runtime;
using Spectre.Console;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge down NAME [--timeout S] [--force]</c>: ACPI power-down, a wait, and only with --force a hard stop.</summary>
public static class DownCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The guest to stop." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the guest to power off.", DefaultValueFactory = _ => 60, HelpName = "S" };
        var force = new Option<bool>("--force") { Description = "After the timeout, stop QEMU hard (the guest loses unsaved data)." };
        var command = new Command("down", "Power a guest off through ACPI and stop its helpers.");
        command.Arguments.Add(name);
        command.Options.Add(timeout);
        command.Options.Add(force);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var machine = parse.GetValue(name)!;
            var seconds = parse.GetValue(timeout);
            var down = await new GuestService(context.Host(parse)).DownAsync(machine, TimeSpan.FromSeconds(seconds), parse.GetValue(force), cancellationToken);
            return Render(machine, seconds, down, context.Console.WriteLine, context.Error.WriteLine);
        });
        return command;
    }

    /// <summary>How <c>lodge down</c> ended, as it prints it (and the dashboard shows it); a guest still running throws, with its fix.</summary>
    internal static int Render(string machine, int seconds, GuestDown down, Action<string> output, Action<string> error)
    {
        ArgumentNullException.ThrowIfNull(down);
        var (cleaned, result) = down;
        if (cleaned is not null)
        {
            output(cleaned);
        }

        switch (result.Outcome)
        {
            case DownOutcome.NotRunning:
                output($"Guest '{machine}' is not running.");
                return ExitCodes.Ok;
            case DownOutcome.PoweredOff:
                output($"Guest '{machine}' powered off in {result.Elapsed.TotalSeconds:0.0} s; its helpers are stopped.");
                return ExitCodes.Ok;
            case DownOutcome.StoppedHard:
                error($"Warning: guest '{machine}' did not power off within {seconds} s and was stopped hard; anything it had not written is lost.");
                return ExitCodes.Ok;
            default:
                throw new GuestRuntimeException(machine, $"Guest '{machine}' did not power off within {seconds} s and is still running.")
                {
                    Hint = $"Run 'lodge down {machine} --force' to stop it hard, or 'lodge console {machine}' to see why it ignores ACPI.",
                };
        }
    }
}
