using Lodge.Core.Machines;
using Lodge.Core.Reports;

namespace Lodge.Cli.Commands;

/// <summary>Short words for report results and ratings in tables.</summary>
public static class ReportText
{
    public static string Result(ReportResult r) =>
        r.Succeeded ? "worked" : !r.Started ? $"did not start{Step(r)}" : !r.Healthy ? $"unhealthy{Step(r)}" : $"handoff not clean{Step(r)}";

    public static string Rating(ReportRating? r) => r is null ? "-" : (r.Good ? "good" : "bad") + (r.Note is null ? string.Empty : $": {Safe(r.Note)}");

    /// <summary>Text from a report (a note, a name, a board), with terminal escapes and bidi controls shown escaped.</summary>
    public static string Safe(string? text) => TerminalText.Escape(text);

    private static string Step(ReportResult r) => r.FailedStep is null ? string.Empty : $" ({Safe(r.FailedStep)})";
}
