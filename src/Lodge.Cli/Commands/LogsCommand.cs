using System.CommandLine;
using Lodge.Linux.Runtime;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge logs NAME</c>: QEMU's log, each helper's log, the supervisor's and the serial console's, from the guest's runtime folder.</summary>
public static class LogsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The guest whose logs to print." };
        var command = new Command("logs", "Print the logs of a guest's last run.");
        command.Arguments.Add(name);
        command.SetAction(parse =>
        {
            var machine = parse.GetValue(name)!;
            var dir = context.Roots.RunDir(machine);
            var logs = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.log").Order(StringComparer.Ordinal).ToList() : [];
            if (logs.Count == 0)
            {
                throw new GuestRuntimeException(machine, $"Guest '{machine}' has no logs in '{dir}'.") { Hint = "Logs appear once the guest has been started." };
            }

            foreach (var log in logs)
            {
                context.Out.WriteLine($"==> {log} <==");
                context.Out.Write(File.ReadAllText(log));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
