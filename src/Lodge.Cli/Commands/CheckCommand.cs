using System.CommandLine;
using Lodge.App.Machines;
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
            var machineName = parse.GetValue(name)!;
            var (parsed, _, _, problems) = new MachineService(context.Host(parse)).Check(machineName);
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
