using Lodge.App.Reports;
using System.CommandLine;
using System.Globalization;
using Lodge.Core.Catalog;
using Lodge.Core.Reports;
using Spectre.Console;

namespace Lodge.Cli.Commands;

/// <summary><c>lodge report query --gpu 1002:73df [--board TEXT] [--os macos]</c>: what was tried on that hardware, best first.</summary>
public static class ReportQueryCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var gpu = new Option<string?>("--gpu") { Description = "vendor:device (or vendor:device:subvendor:subdevice); default: each GPU of this host.", HelpName = "ID" };
        var board = new Option<string?>("--board") { Description = "Text in the board vendor or model.", HelpName = "TEXT" };
        var os = new Option<string?>("--os") { Description = "windows11, windows10, macos, linux or other.", HelpName = "OS" };
        var all = new Option<bool>("--all") { Description = $"List every attempt, not only the best {Shown}." };
        var command = new Command("query", "Show what was tried on a GPU (and board), what worked, and which config features made the difference.");
        command.Options.Add(gpu);
        command.Options.Add(board);
        command.Options.Add(os);
        command.Options.Add(all);
        var json = new Option<bool>("--json") { Description = "Print JSON (docs/api.md)." };
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var answer = new ReportService(context.Host(parse)).Query(new ReportQueryRequest(parse.GetValue(gpu), parse.GetValue(board), parse.GetValue(os), parse.GetValue(all)));
            if (answer.ForGpu is { } outcomes)
            {
                if (parse.GetValue(json))
                {
                    context.Out.WriteLine(Json.ReportListJson.Answer(answer));
                    return ExitCodes.Ok;
                }

                Render(context.Console, outcomes.Ranked, outcomes.Attempts, outcomes.Worked);
                return ExitCodes.Ok;
            }

            if (parse.GetValue(json))
            {
                context.Out.WriteLine(Json.ReportListJson.Answer(answer));
                return ExitCodes.Ok;
            }

            if (answer.ForHost.Count == 0)
            {
                context.Console.WriteLine("This host has no GPU to ask about; pass --gpu VVVV:DDDD.");
                return ExitCodes.Ok;
            }

            foreach (var g in answer.ForHost)
            {
                context.Console.WriteLine($"{g.Address} [{g.Knowledge.Host.Gpu}]: {CatalogKnowledgeText.Summary(g.Knowledge)}");
                foreach (var (feature, text) in CatalogKnowledgeText.Features(g.Knowledge))
                {
                    context.Console.WriteLine($"  What made the difference: {feature}: {text}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>How many attempts are listed without --all.</summary>
    public const int Shown = ReportQueryRequest.Shown;

    /// <summary>Writes the ranked attempts and the differences.</summary>
    public static void Render(IAnsiConsole console, ReportQueryResult result) =>
        Render(console, result, result.Reports.Count, result.Reports.Count(r => r.Result.Succeeded && r.Rating is not { Good: false }));

    /// <summary>Writes the ranked attempts shown (of <paramref name="attempts"/>, <paramref name="worked"/> good) and the differences.</summary>
    public static void Render(IAnsiConsole console, ReportQueryResult result, int attempts, int worked)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (attempts == 0)
        {
            console.WriteLine("No attempt on this hardware is recorded yet.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in new[] { "Id", "Date", "Board", "OS", "Result", "Rating", "Features" })
        {
            table.AddColumn(c);
        }

        foreach (var r in result.Reports)
        {
            var features = string.Join(", ", r.Guest.Features.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
            table.AddRow(new Text(r.Id.ToString(CultureInfo.InvariantCulture)), new Text(r.RecordedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), new Text(ReportText.Safe($"{r.Hardware.BoardVendor} {r.Hardware.BoardModel}".Trim())), new Text(ReportText.Safe(r.Guest.Os)), new Text(ReportText.Result(r.Result)), new Text(ReportText.Rating(r.Rating)), new Text(ReportText.Safe(features)));
        }

        console.Write(table);
        if (result.Reports.Count < attempts)
        {
            console.WriteLine($"The best {result.Reports.Count} of {attempts} attempts are listed; --all lists every one.");
        }

        console.WriteLine($"{worked} of {attempts} attempts worked.");
        foreach (var d in result.Differences)
        {
            var values = string.Join("; ", d.Values.Select(v => $"{v.Value}: {v.Worked}/{v.Attempts} worked"));
            console.WriteLine($"What made the difference: {d.Feature} ({values}).");
        }
    }
}
