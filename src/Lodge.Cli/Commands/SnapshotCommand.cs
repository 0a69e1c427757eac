using System.CommandLine;
using Lodge.App.Host;
using Spectre.Console;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge snapshot -o FILE.tar.gz</c>: captures exactly the files the scanner reads, without identities.</summary>
public static class SnapshotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--output", "-o") { Description = "The archive to write (.tar.gz).", Required = true, HelpName = "FILE" };
        var command = new Command("snapshot", "Capture the host files lodge reads into a .tar.gz (serial numbers, MAC addresses, UUIDs and host names removed); replay it with --root.");
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var target = parse.GetValue(output)!;
            var snapshot = new HostService(context.Host(parse)).Snapshot(target);
            context.Console.WriteLine($"Wrote {target}: {snapshot.Paths} paths, {snapshot.PciDevices} PCI devices. Replay it with 'tar xzf {Path.GetFileName(target)} -C DIR' and 'lodge devices --root DIR'.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
