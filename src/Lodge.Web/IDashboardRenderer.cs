using Lodge.App.Guests;
using Lodge.App.Handoff;
using Lodge.App.Host;
using Lodge.App.Reports;
using Lodge.App.Switching;
using Lodge.Core.Doctor;
using Lodge.Core.Planning;
using Lodge.Core.Reports;

namespace Lodge.Web;

/// <summary>How the CLI renders what the services return, lent to the dashboard so that <c>/api/</c> answers with exactly
/// the CLI's <c>--json</c> and an action's lines are exactly what the command prints. <c>lodge serve</c> passes the CLI's
/// own renderers; the dashboard itself renders nothing the CLI also renders.</summary>
public interface IDashboardRenderer
{
    /// <summary><c>lodge devices --json</c>.</summary>
    string Devices(HostScan scan);

    /// <summary><c>lodge doctor --json</c>.</summary>
    string Doctor(DoctorReport report);

    /// <summary><c>lodge status --json</c>.</summary>
    string Status(GuestOverview overview);

    /// <summary><c>lodge plan NAME --json</c>.</summary>
    string Plan(MachinePlan plan);

    /// <summary><c>lodge report list --json</c>.</summary>
    string Reports(IReadOnlyList<OutcomeReport> reports);

    /// <summary><c>lodge report query [--gpu ID] --json</c>.</summary>
    string ReportQuery(ReportQueryAnswer answer);

    /// <summary>What <c>lodge rescue</c> prints for <paramref name="outcome"/>; returns its exit code.</summary>
    int Rescue(RescueOutcome outcome, ActionOutput output);

    /// <summary>What <c>lodge down NAME --timeout SECONDS</c> prints for <paramref name="down"/>; returns its exit code, and
    /// throws (with the fix) when the guest still runs.</summary>
    int Down(string machine, int seconds, GuestDown down, ActionOutput output);

    /// <summary>What <c>lodge switch NAME</c> prints for <paramref name="result"/>; returns its exit code, and throws (with
    /// the fix) when the switch was refused.</summary>
    int Switch(SwitchResult result, ActionOutput output);
}
