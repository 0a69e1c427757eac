using System.CommandLine;
using Lodge.App.Machines;
using Lodge.App.Switching;
using Lodge.Core;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge switch NAME [--force] [--tcg]</c>: give the GPU another guest holds to NAME, without the host taking it
/// back in between; with no guest holding it, the same as <c>lodge up NAME</c>.</summary>
public static class SwitchCommand
{
    /// <summary>How long the requester follows a switch: the old guest's shutdown and the new guest's start, with room.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(15);

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
            var lodge = context.Host(parse);
            if (MachineName.Check(to, lodge.Paths.RunRoot) is { } bad)
            {
                throw bad;
            }

            var planned = new MachineService(lodge).Plan(to);
            if (!SwitchSlots.TakesGpu(planned.Plan))
            {
                throw new ConfigException($"'{to}' takes no GPU from the host (gpu.mode '{planned.Plan.Gpu.Mode.Word()}'), so there is nothing to switch.") { Hint = $"Run 'lodge up {to}'." };
            }

            var channel = new SwitchChannel(lodge.Paths.RunRoot, lodge.Time);
            if (channel.Holder() is not { } holder)
            {
                context.Error.WriteLine($"No guest holds the GPU; starting '{to}' with it.");
                return await UpCommand.RunAsync(context, parse, to, detach: false, parse.GetValue(tcg), stopHolders: false, resetNvram: false, cancellationToken).ConfigureAwait(false);
            }

            SwitchSlots.RequireSameGpu(planned.Plan, PciAddress.Parse(holder.Gpu), holder.Holder);
            var result = await channel.RequestAsync(to, parse.GetValue(force), line => context.Error.WriteLine(line), Limit, cancellationToken).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case SwitchOutcome.Switched:
                    context.Out.WriteLine(result.Message);
                    return ExitCodes.Ok;
                case SwitchOutcome.Refused or SwitchOutcome.NeedsForce:
                    throw new InvalidStateException(result.Message, "switch refused", "switched") { Hint = result.Hint };
                default:
                    context.Error.WriteLine($"Error: {result.Message}");
                    if (result.Hint is { } hint)
                    {
                        context.Error.WriteLine(hint);
                    }

                    return ExitCodes.Error;
            }
        });
        return command;
    }
}
