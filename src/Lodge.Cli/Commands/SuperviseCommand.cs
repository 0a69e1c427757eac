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
        var awaitStart = new Option<bool>("--await-start") { Description = "Wait for 'go' on stdin (a pipe from the spawner) before starting; end quietly at end-of-file. Output goes to supervisor.log from then on." };
        var command = new Command("supervise", "Run and supervise a guest started with --detach.") { Hidden = true };
        command.Arguments.Add(name);
        command.Options.Add(reportId);
        command.Options.Add(reportIdFile);
        command.Options.Add(awaitStart);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var machine = parse.GetValue(name)!;
            // The one that spawned this supervisor ('up --detach', the dashboard): captured now, while it still waits.
            var spawner = Lodge.Linux.Processes.ProcessTable.ParentOfSelf();
            var database = context.Host(parse);
            var guests = new GuestService(database);
            var output = context;
            using var log = parse.GetValue(awaitStart) ? new LateLog() : null;
            if (log is not null)
            {
                // Spawned before the plan was made: do what costs time and touches nothing (JSON contracts) while the
                // spawner plans, then wait for its word. End-of-file means it planned no detached start, or died.
                var warm = Task.Run(Lodge.Linux.Runtime.JsonWarmUp.DetachedStart, cancellationToken);
                if (!Lodge.Linux.Processes.StartGate.AwaitGo())
                {
                    return ExitCodes.Ok;
                }

                // stdout and stderr (so far /dev/null) become the log, for what the runtime itself writes there (a crash);
                // this process's writers were opened on copies of the old ones, so they write to a log writer of their own.
                var logPath = guests.SupervisorLog(machine);
                Lodge.Linux.Processes.StartGate.RedirectOutput(logPath);
                var writer = log.Open(logPath);
                output = context with { Console = ConsoleOutput.Redirected(writer, context.Options.Columns), Out = writer, Error = writer };
                await warm.ConfigureAwait(false);
            }

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
                    new OutcomeRecorder(database, output.Error.WriteLine).Update(machine, report, result);
                }
            }

            return await new GuestLauncher(output, guests).SuperviseAsync(
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
                ended: exit => Record(DetachedOutcome.Ended(exit))).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The supervisor's log once it is told to start (<c>--await-start</c>): appended, flushed at every line.</summary>
    private sealed class LateLog : IDisposable
    {
        private StreamWriter? _writer;

        public StreamWriter Open(string path) =>
            _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete), new System.Text.UTF8Encoding(false)) { AutoFlush = true };

        public void Dispose() => _writer?.Dispose();
    }
}
