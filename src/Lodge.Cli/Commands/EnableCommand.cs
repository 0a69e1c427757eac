using System.CommandLine;
using Lodge.App.Autostart;
using Lodge.Core;
using Lodge.Core.Autostart;
using Lodge.Web;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge enable NAME</c> / <c>lodge enable --serve [--listen ADDR:PORT]</c> and <c>lodge disable NAME</c> /
/// <c>lodge disable --serve</c>: start a guest, or the dashboard, at boot through a systemd unit.</summary>
public static class EnableCommand
{
    /// <summary>Builds <c>lodge enable</c>.</summary>
    public static Command CreateEnable(CliContext context)
    {
        var (name, serve, command) = Common("enable", "Start a guest at boot (a systemd unit that runs after lodge-rescue.service, with the handoff when its GPU needs one), or the dashboard with --serve.");
        var listen = new Option<string?>("--listen") { Description = "With --serve: the dashboard's ADDR:PORT (default 127.0.0.1:7420).", HelpName = "ADDR:PORT" };
        command.Options.Add(listen);
        command.SetAction(parse =>
        {
            var service = new AutostartService(context.Host(parse));
            var machine = Target(parse, name, serve, "enable");
            if (machine is null)
            {
                // The same rule as serve's: a bad address is refused here, not at boot.
                var address = parse.GetValue(listen) is { } text ? ListenAddress.Parse(text).ToString() : null;
                var unit = service.EnableServe(address);
                context.Out.WriteLine($"The dashboard starts at boot: '{unit}' is enabled.");
            }
            else
            {
                if (parse.GetValue(listen) is not null)
                {
                    throw new ConfigException("--listen goes with 'lodge enable --serve' only.") { Hint = $"Run 'lodge enable {machine}' without --listen." };
                }

                var unit = service.EnableGuest(machine);
                context.Out.WriteLine($"Guest '{machine}' starts at boot: '{unit}' is enabled.");
            }

            if (!service.BinaryInstalled())
            {
                context.Error.WriteLine($"Warning: '{AutostartUnits.Binary}' does not exist, and the unit runs it. Install the binary there (README, \"Installing the binary\").");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Builds <c>lodge disable</c>.</summary>
    public static Command CreateDisable(CliContext context)
    {
        var (name, serve, command) = Common("disable", "Stop starting a guest (or the dashboard, with --serve) at boot: removes the unit 'lodge enable' wrote. A running guest keeps running.");
        command.SetAction(parse =>
        {
            var service = new AutostartService(context.Host(parse));
            var machine = Target(parse, name, serve, "disable");
            var removed = machine is null ? service.DisableServe() : service.DisableGuest(machine);
            var what = machine is null ? "The dashboard" : $"Guest '{machine}'";
            context.Out.WriteLine(removed ? $"{what} no longer starts at boot." : $"{what} was not enabled; nothing changed.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static (Argument<string?> Name, Option<bool> Serve, Command Command) Common(string verb, string description)
    {
        var name = new Argument<string?>("NAME") { Description = "The machine.", Arity = ArgumentArity.ZeroOrOne };
        var serve = new Option<bool>("--serve") { Description = "The dashboard ('lodge serve') instead of a machine." };
        var command = new Command(verb, description);
        command.Arguments.Add(name);
        command.Options.Add(serve);
        return (name, serve, command);
    }

    // The machine named, or null for --serve; exactly one of the two.
    private static string? Target(ParseResult parse, Argument<string?> name, Option<bool> serve, string verb)
    {
        var machine = parse.GetValue(name);
        var isServe = parse.GetValue(serve);
        if ((machine is null) == !isServe)
        {
            throw new ConfigException($"'lodge {verb}' takes either a machine's name or --serve.") { Hint = $"Run 'lodge {verb} NAME' for a guest, or 'lodge {verb} --serve' for the dashboard." };
        }

        return machine;
    }
}
