using System.CommandLine;
using Lodge.App.Reports;
using Lodge.Core;
using Lodge.Core.Reports;
using Lodge.Linux;
using Lodge.Linux.Reports;
using Spectre.Console;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge report list|show|rate|export|import|query|publish|pull|site</c>: what was tried on which hardware, and what worked.</summary>
public static class ReportCommand
{
    /// <summary>The global <c>--reports-db</c> option.</summary>
    public static readonly Option<string?> DatabaseOption = new("--reports-db")
    {
        Description = "The outcome database (default /var/lib/lodge/reports.db as root, else $XDG_STATE_HOME/lodge/reports.db).",
        Recursive = true,
        HelpName = "FILE",
    };

    /// <summary>Builds the command group.</summary>
    public static Command Create(CliContext context)
    {
        var report = new Command("report", "Outcome reports: every up and handoff is recorded; rate, export, import and query them.");
        report.Subcommands.Add(List(context));
        report.Subcommands.Add(Show(context));
        report.Subcommands.Add(Rate(context));
        report.Subcommands.Add(Export(context));
        report.Subcommands.Add(Import(context));
        report.Subcommands.Add(ReportQueryCommand.Create(context));
        report.Subcommands.Add(Repair(context));
        report.Subcommands.Add(CatalogCommand.Publish(context));
        report.Subcommands.Add(CatalogCommand.Pull(context));
        report.Subcommands.Add(CatalogCommand.Site(context));
        return report;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List the recorded attempts.");
        var json = new Option<bool>("--json") { Description = "Print JSON (docs/api.md)." };
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var reports = new ReportService(context.Host(parse)).List();
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(Lodge.Core.Machines.TerminalText.EscapeJson(Json.ReportListJson.List(reports)));
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Simple);
            foreach (var c in new[] { "Id", "Date", "Machine", "OS", "GPU", "Result", "Rating" })
            {
                table.AddColumn(c);
            }

            foreach (var r in reports)
            {
                table.AddRow(new Text(r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text(r.RecordedAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)), new Text(ReportText.Safe(r.Machine ?? $"({r.Origin})")), new Text(ReportText.Safe(r.Guest.Os)), new Text(ReportText.Safe(r.Hardware.Gpu ?? "-")), new Text(ReportText.Result(r.Result)), new Text(ReportText.Rating(r.Rating)));
            }

            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CliContext context)
    {
        var id = new Argument<long>("ID") { Description = "The report's id from 'lodge report list'." };
        var command = new Command("show", "Show one report in full.");
        command.Arguments.Add(id);
        command.SetAction(parse =>
        {
            var r = new ReportService(context.Host(parse)).Show(parse.GetValue(id));
            context.Out.Write(Lodge.Core.Machines.TerminalText.EscapeJson(ReportJson.Write([r])));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rate(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The machine whose latest attempt you rate." };
        var verdict = new Argument<string>("VERDICT") { Description = "good or bad." };
        verdict.AcceptOnlyFromAmong("good", "bad");
        var note = new Argument<string?>("NOTE") { Description = "What you saw.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("rate", "Add your verdict to a machine's latest attempt.");
        command.Arguments.Add(name);
        command.Arguments.Add(verdict);
        command.Arguments.Add(note);
        command.SetAction(parse =>
        {
            var machine = parse.GetValue(name)!;
            var id = new ReportService(context.Host(parse)).Rate(machine, new ReportRating(parse.GetValue(verdict) == "good", parse.GetValue(note)));
            context.Console.WriteLine($"Rated report {id} of '{machine}' {parse.GetValue(verdict)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Export(CliContext context)
    {
        var ids = new Argument<long[]>("ID") { Description = "Reports to export (all when none is given).", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--output", "-o") { Description = "The file to write.", Required = true, HelpName = "FILE.json" };
        var command = new Command("export", "Write reports as a privacy-filtered, versioned JSON file (docs/report.schema.json) to share.");
        command.Arguments.Add(ids);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var target = parse.GetValue(output)!;
            var count = new ReportService(context.Host(parse)).Export(parse.GetValue(ids) ?? [], target);
            context.Console.WriteLine($"Wrote {count} report(s) to {target}, without serial numbers, UUIDs, MAC or IP addresses, host names, user names or home paths.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Import(CliContext context)
    {
        var files = new Argument<string[]>("FILE") { Description = "Report files made by 'lodge report export'.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("import", "Bring in reports made elsewhere.");
        command.Arguments.Add(files);
        command.SetAction(parse =>
        {
            var (count, present) = new ReportService(context.Host(parse)).Import(parse.GetValue(files)!);
            context.Console.WriteLine(present == 0 ? $"Imported {count} report(s)." : $"Imported {count} report(s); {present} were already here.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Repair(CliContext context)
    {
        var command = new Command("repair", "Keep a damaged outcome database as reports.db.damaged-TIME, salvage the reports it can still read, and start a fresh one.");
        command.SetAction(parse =>
        {
            var repaired = new ReportService(context.Host(parse)).Repair();
            var path = repaired.Path;
            if (repaired.Kept is null)
            {
                context.Console.WriteLine(repaired.Existed ? $"The outcome database '{path}' is not damaged; nothing was changed." : $"There is no outcome database at '{path}'; nothing was changed.");
                return ExitCodes.Ok;
            }

            context.Console.WriteLine($"Kept the damaged database as '{repaired.Kept}'.");
            context.Console.WriteLine($"Salvaged {repaired.Salvaged} report(s) into a fresh '{path}'.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
