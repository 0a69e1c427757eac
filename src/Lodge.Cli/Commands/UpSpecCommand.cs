using System.CommandLine;
using Lodge.App.Guests;
using Lodge.Cli.Guests;
using Lodge.Linux.Runtime;

namespace Lodge.Cli.Commands;

/// <summary>Hidden <c>lodge up-spec FILE.json [--detach]</c>: runs a launch spec written as JSON (tests, benchmarks, and until <c>up NAME</c> is wired to the planner).</summary>
public static class UpSpecCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A LaunchSpec as JSON." };
        var detach = new Option<bool>("--detach") { Description = "Leave the guest running under a background supervisor." };
        var command = new Command("up-spec", "Start a guest from a launch spec file.") { Hidden = true };
        command.Arguments.Add(file);
        command.Options.Add(detach);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var spec = LaunchSpecJson.Read(await File.ReadAllTextAsync(path, cancellationToken), path);
            var launcher = new GuestLauncher(context, new GuestService(context.Host(parse)));
            return parse.GetValue(detach)
                ? await launcher.StartDetachedAsync(spec, cancellationToken)
                : await launcher.RunForegroundAsync(spec, TimeSpan.FromSeconds(Lodge.Core.Machines.MachineConfig.DefaultShutdownTimeoutSeconds), cancellationToken);
        });
        return command;
    }
}
