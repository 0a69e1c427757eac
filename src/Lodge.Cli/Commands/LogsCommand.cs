using System.CommandLine;
using Lodge.App.Guests;

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
            foreach (var log in new GuestService(context.Host(parse)).Logs(machine))
            {
                context.Out.WriteLine($"==> {log.Path} <==");
                context.Out.Write(log.Text);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
