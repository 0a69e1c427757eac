using System.CommandLine;
using Lodge.App.Guests;
using Lodge.App.Reports;
using Lodge.Cli.Guests;
using Lodge.Core.Reports;

namespace Lodge.Cli.Commands;

/// <summary>Hidden <c>lodge supervise NAME</c>: the background process <c>up --detach</c> leaves behind; it owns QEMU and the helpers.</summary>
public static class SuperviseCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine whose launch.json to run." };
        var reportId = new Option<long?>("--report-id") { Description = "The outcome report 'up --detach' opened; the supervisor records the guest's real end in it.", HelpName = "ID" };
        var command = new Command("supervise", "Run and supervise a guest started with --detach.") { Hidden = true };
        command.Arguments.Add(name);
        command.Options.Add(reportId);
        command.SetAction((parse, cancellationToken) =>
        {
            var machine = parse.GetValue(name)!;
            var database = context.Host(parse);
            var id = parse.GetValue(reportId);
            void Record(ReportResult result)
            {
                if (id is { } report)
                {
                    new OutcomeRecorder(database, context.Error.WriteLine).Update(machine, report, result);
                }
            }

            return new GuestLauncher(context, new GuestService(database)).SuperviseAsync(
                machine,
                cancellationToken,
                started: () => Record(DetachedOutcome.Running),
                ended: exit => Record(DetachedOutcome.Ended(exit)));
        });
        return command;
    }
}
