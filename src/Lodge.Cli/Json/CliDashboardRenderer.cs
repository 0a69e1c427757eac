using Lodge.App.Guests;
using Lodge.App.Handoff;
using Lodge.App.Host;
using Lodge.App.Reports;
using Lodge.App.Switching;
using Lodge.Cli.Commands;
using Lodge.Core.Doctor;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Reports;
using Lodge.Web;

namespace Lodge.Cli.Json;

/// <summary>The CLI's renderers, lent to <c>lodge serve</c>: the dashboard's <c>/api/</c> answers with the very JSON the
/// commands print with <c>--json</c>, and its actions show the very lines the commands print.</summary>
internal sealed class CliDashboardRenderer : IDashboardRenderer
{
    public string Devices(HostScan scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        return DevicesJson.Write(scan.Host, scan.Assessments);
    }

    public string Doctor(DoctorReport report) => DoctorJson.Write(report);

    public string Status(GuestOverview overview) => StatusJson.Write(overview);

    public string Plan(MachinePlan plan) => PlanCommand.Json(plan);

    public string Reports(IReadOnlyList<OutcomeReport> reports) => TerminalText.EscapeJson(ReportListJson.List(reports));

    public string ReportQuery(ReportQueryAnswer answer) => ReportListJson.Answer(answer);

    public int Rescue(RescueOutcome outcome, ActionOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return RescueCommand.Render(outcome, output.Line, output.ErrorLine);
    }

    public int Down(string machine, int seconds, GuestDown down, ActionOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return DownCommand.Render(machine, seconds, down, output.Line, output.ErrorLine);
    }

    public int Switch(SwitchResult result, ActionOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return SwitchCommand.Render(result, output.Line, output.ErrorLine);
    }
}
