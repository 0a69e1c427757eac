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
        var reportIdFile = new Option<string?>("--report-id-file") { Description = "Where 'up --detach' leaves the id of the outcome report it opens while this supervisor starts the guest.", HelpName = "FILE" };
        var command = new Command("supervise", "Run and supervise a guest started with --detach.") { Hidden = true };
        command.Arguments.Add(name);
        command.Options.Add(reportId);
        command.Options.Add(reportIdFile);
        command.SetAction((parse, cancellationToken) =>
        {
            var machine = parse.GetValue(name)!;
            var database = context.Host(parse);
            var id = parse.GetValue(reportId);
            var idFile = parse.GetValue(reportIdFile);
            void Record(ReportResult result)
            {
                if (id is null && idFile is not null)
                {
                    // 'up' writes the file right after spawning this process; long before the guest runs, as a rule.
                    id = DetachedReportId.Read(idFile, TimeSpan.FromSeconds(30));
                    idFile = null;
                }

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
