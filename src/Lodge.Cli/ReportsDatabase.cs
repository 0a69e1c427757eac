using Lodge.Linux.Reports;

namespace Lodge.Cli;

/// <summary>Where the outcome database lives: <c>--reports-db</c>, else <c>/var/lib/lodge/reports.db</c> as root,
/// else <c>$XDG_STATE_HOME/lodge/reports.db</c> (default <c>~/.local/state</c>).</summary>
public static class ReportsDatabase
{
    /// <summary>The path for this invocation.</summary>
    public static string PathFor(string? option)
    {
        if (!string.IsNullOrEmpty(option))
        {
            return option;
        }

        if (Environment.UserName == "root")
        {
            return "/var/lib/lodge/reports.db";
        }

        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(state))
        {
            state = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        }

        return Path.Combine(state, "lodge", "reports.db");
    }

    /// <summary>Opens the database, creating it when missing.</summary>
    public static ReportStore Open(string? option) => ReportStore.Open(PathFor(option));

    /// <summary>Opens the database only when it exists (read paths such as doctor must not create it).</summary>
    public static ReportStore? OpenExisting(string? option)
    {
        var path = PathFor(option);
        return File.Exists(path) ? ReportStore.Open(path) : null;
    }
}
