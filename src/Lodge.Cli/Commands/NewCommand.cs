using System.CommandLine;
using Lodge.App.Machines;
using Lodge.Core.Machines;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge new NAME --os OS [--gpu auto|ID|none]</c>: writes a commented machine file with host-aware defaults.</summary>
public static class NewCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine's name; its file is NAME.toml." };
        var os = new Option<string?>("--os") { Description = "windows11 | windows10 | macos | linux | other (required unless --like gives it)" };
        var like = new Option<string?>("--like") { Description = "Start from a report that worked: its catalog id (or first 8+ hex digits) or local id; its GPU, mode and tunings are mapped onto this host.", HelpName = "REPORT-ID" };
        os.AcceptOnlyFromAmong(MachineParser.OsNames);
        var gpu = new Option<string>("--gpu") { Description = "auto (a passable GPU the host does not boot on), none, or vendor:device / an address.", DefaultValueFactory = _ => "auto" };
        var command = new Command("new", "Write a new machine definition with defaults taken from this host.");
        command.Arguments.Add(name);
        command.Options.Add(os);
        command.Options.Add(gpu);
        command.Options.Add(like);
        command.SetAction(parse =>
        {
            var machineName = parse.GetValue(name)!;
            var path = new MachineService(context.Host(parse)).New(new NewMachineRequest(machineName, parse.GetValue(os), parse.GetValue(gpu) ?? "auto", parse.GetValue(like)));
            context.Out.WriteLine($"Wrote {path}");
            context.Out.WriteLine($"Run 'lodge check {machineName}' after editing it.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
