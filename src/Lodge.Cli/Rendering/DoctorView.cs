using Lodge.Core.Doctor;
using Spectre.Console;

namespace Lodge.Cli.Rendering;

/// <summary>Renders the doctor's report: one block per section, one line per check, the fix under it.</summary>
public static class DoctorView
{
    /// <summary>Writes the report and its one-line verdict.</summary>
    public static void Render(IAnsiConsole console, DoctorReport report)
    {
        foreach (var section in report.Sections)
        {
            console.Write(new Text(section.Title + "\n", new Style(decoration: Decoration.Bold)));
            foreach (var check in section.Checks)
            {
                WriteCheck(console, check, 1);
            }

            console.Write(new Text("\n"));
        }

        var style = report.ExitCode switch
        {
            0 => new Style(Color.Green, decoration: Decoration.Bold),
            1 => new Style(Color.Yellow, decoration: Decoration.Bold),
            _ => new Style(Color.Red, decoration: Decoration.Bold),
        };
        console.Write(new Text(report.Verdict + "\n", style));
    }

    private static void WriteCheck(IAnsiConsole console, DoctorCheck check, int depth)
    {
        var (mark, style) = Mark(check.Status);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadLeft(depth * 2).PadRight(1)).AddColumn();
        var body = new Paragraph();
        body.Append($"{check.Title}: {check.Detail}");
        if (check.Fix is not null)
        {
            body.Append($"\nfix: {check.Fix}", new Style(Color.Grey));
        }

        grid.AddRow(new Text(mark, style), body);
        console.Write(grid);

        foreach (var detail in check.Details)
        {
            WriteCheck(console, detail, depth + 2);
        }
    }

    private static (string Mark, Style Style) Mark(CheckStatus status) => status switch
    {
        CheckStatus.Ok => ("ok  ", new Style(Color.Green)),
        CheckStatus.Info => ("info", new Style(Color.Blue)),
        CheckStatus.Warning => ("warn", new Style(Color.Yellow)),
        CheckStatus.Fail => ("FAIL", new Style(Color.Red)),
        _ => ("??  ", new Style(Color.Grey)),
    };
}
