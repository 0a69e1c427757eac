using System.CommandLine;
using Lodge.Cli.Guests;
using Lodge.Linux.Runtime;

namespace Lodge.Cli.Commands;

/// <summary>Hidden <c>lodge supervise NAME</c>: the background process <c>up --detach</c> leaves behind; it owns QEMU and the helpers.</summary>
public static class SuperviseCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine whose launch.json to run." };
        var command = new Command("supervise", "Run and supervise a guest started with --detach.") { Hidden = true };
        command.Arguments.Add(name);
        command.SetAction((parse, cancellationToken) =>
            new GuestLauncher(context, new GuestRuntime(context.Roots)).SuperviseAsync(parse.GetValue(name)!, cancellationToken));
        return command;
    }
}
