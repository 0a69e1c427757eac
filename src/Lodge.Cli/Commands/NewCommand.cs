using System.CommandLine;
using Lodge.App.Host;
using Lodge.Cli.Machines;
using Lodge.Core;
using Lodge.Core.Machines;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge new NAME --os OS [--gpu auto|ID|none]</c>: writes a commented machine file with host-aware defaults.</summary>
public static class NewCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine's name; its file is NAME.toml." };
        var os = new Option<string>("--os") { Description = "windows11 | windows10 | macos | linux | other", Required = true };
        os.AcceptOnlyFromAmong(MachineParser.OsNames);
        var gpu = new Option<string>("--gpu") { Description = "auto (a passable GPU the host does not boot on), none, or vendor:device / an address.", DefaultValueFactory = _ => "auto" };
        var command = new Command("new", "Write a new machine definition with defaults taken from this host.");
        command.Arguments.Add(name);
        command.Options.Add(os);
        command.Options.Add(gpu);
        command.SetAction(parse =>
        {
            var store = context.Host(parse).Machines;
            var machineName = parse.GetValue(name)!;
            var path = store.PathOf(machineName);
            if (File.Exists(path))
            {
                throw new ConfigException($"The machine '{machineName}' already exists at '{path}'.") { Hint = "Edit that file, or pick another name." };
            }

            var (host, assessments) = HostLoader.Load(parse.GetValue(LodgeApp.RootOption) ?? "/");
            var guestOs = (GuestOs)Array.IndexOf(MachineParser.OsNames, parse.GetValue(os));
            var text = MachineTemplate.Write(guestOs, parse.GetValue(gpu) ?? "auto", host, assessments);
            Directory.CreateDirectory(store.Directory);
            File.WriteAllText(path, text);
            context.Out.WriteLine($"Wrote {path}");
            context.Out.WriteLine($"Run 'lodge check {machineName}' after editing it.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
