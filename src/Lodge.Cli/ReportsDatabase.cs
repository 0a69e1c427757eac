using Lodge.Linux.Reports;
using Lodge.Linux.Runtime;

namespace Lodge.Cli;

/// <summary>Where the outcome database lives: <c>--reports-db</c>, else <c>reports.db</c> in the state root
/// (<c>LODGE_STATE_DIR</c> when set, <c>/var/lib/lodge</c> as root), else <c>$XDG_STATE_HOME/lodge/reports.db</c>
/// (default <c>~/.local/state</c>).</summary>
public static class ReportsDatabase
{
    /// <summary>The path for this invocation.</summary>
    /// <param name="option">The <c>--reports-db</c> value, if given.</param>
    /// <param name="roots">The run and state roots; from the environment when null.</param>
    public static string PathFor(string? option, RuntimeRoots? roots = null)
    {
        if (!string.IsNullOrEmpty(option))
        {
            return option;
        }

        var stateRoot = (roots ?? RuntimeRoots.FromEnvironment()).StateRoot;
        if (Environment.UserName == "root" || stateRoot != RuntimeRoots.DefaultStateRoot)
        {
            return Path.Combine(stateRoot, "reports.db");
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
