using System.CommandLine;
using Lodge.App.Demo;
using Lodge.Cli.Demo;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge demo [--share 9p|virtiofs] [--tcg]</c>: builds and caches a tiny Linux guest, boots it with a shared folder, and proves the round trip.</summary>
public static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var share = new Option<string>("--share") { Description = "How the guest mounts the shared folder.", DefaultValueFactory = _ => "virtiofs" };
        share.AcceptOnlyFromAmong("virtiofs", "9p");
        var tcg = new Option<bool>("--tcg") { Description = "Use TCG even when KVM is available." };
        var writeSpec = new Option<string?>("--write-spec") { Description = "Only write the demo guest's launch spec (JSON) to FILE; used by bench/.", Hidden = true, HelpName = "FILE" };
        var command = new Command("demo", "Boot a tiny Linux guest with a shared folder and print timings; needs nothing configured.");
        command.Options.Add(share);
        command.Options.Add(tcg);
        command.Options.Add(writeSpec);
        command.SetAction((parse, cancellationToken) =>
        {
            var run = new DemoRun(context, new DemoService(context.Host(parse)));
            return parse.GetValue(writeSpec) is { } file
                ? run.WriteSpecAsync(file, parse.GetValue(share)!, parse.GetValue(tcg), cancellationToken)
                : run.RunAsync(parse.GetValue(share)!, parse.GetValue(tcg), cancellationToken);
        });
        return command;
    }
}
