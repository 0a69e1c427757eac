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
            // The one that spawned this supervisor ('up --detach', the dashboard): captured now, while it still waits.
            var spawner = Lodge.Linux.Processes.ProcessTable.ParentOfSelf();
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
                started: () =>
                {
                    // Recorded once 'up --detach' has given the prompt back (it exits when the state says running), at
                    // most 2 s later (a dashboard stays): SQLite's load and fsyncs then no longer compete for the CPU
                    // with the command the user waits for (measured about 10 ms of every detached start on 2 cores, one
                    // of them busy with the guest). The report exists since the start ("the end is unknown"): nothing
                    // is lost by the wait.
                    Lodge.Linux.Processes.ProcessTable.WaitForParentToExit(spawner, TimeSpan.FromSeconds(2), context.Time);
                    Record(DetachedOutcome.Running);
                },
                ended: exit => Record(DetachedOutcome.Ended(exit)));
        });
        return command;
    }
}
