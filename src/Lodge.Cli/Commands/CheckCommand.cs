using System.CommandLine;
using Lodge.Cli.Machines;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge check NAME</c>: every problem with a machine on this host; exit 0 when it is valid, 3 when not.</summary>
public static class CheckCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine to check." };
        var command = new Command("check", "Validate a machine against this host and print every problem with its place and its fix.");
        command.Arguments.Add(name);
        command.SetAction(parse =>
        {
            var store = MachineStore.For(parse.GetValue(LodgeApp.ConfigDirOption));
            var parsed = store.Load(parse.GetValue(name)!);
            var (host, assessments) = HostLoader.Load(parse.GetValue(LodgeApp.RootOption) ?? "/");
            var all = store.LoadAll().Select(r => r.Machine).ToList();
            var problems = parsed.Problems
                .Concat(MachineValidator.Validate(parsed.Machine, host, assessments, all))
                .OrderBy(p => p.Location.Line).ThenBy(p => p.Location.Column)
                .ToList();
            foreach (var problem in problems)
            {
                context.Out.WriteLine(problem.Format());
            }

            var errors = problems.Count(p => p.Severity == Severity.Error);
            context.Out.WriteLine(errors == 0 ? $"{parsed.Machine.File}: valid." : $"{parsed.Machine.File}: {errors} error(s).");
            return errors == 0 ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }
}
