using Lodge.Linux.Runtime;

namespace Lodge.App;

/// <summary>Every folder and file lodge keeps, resolved once from the options and the environment: the one source of
/// truth for the machine files, the run and state roots, the handoff journal, the outcome database and the cache.</summary>
/// <param name="ConfigDir">Machine files: <c>--config-dir</c>, else <c>/etc/lodge/machines</c> as root, else
/// <c>$XDG_CONFIG_HOME/lodge/machines</c> (default <c>~/.config</c>).</param>
/// <param name="RunRoot">Runtime files: <c>$LODGE_RUN_DIR</c>, else <c>/run/lodge</c>.</param>
/// <param name="StateRoot">Persistent files: <c>$LODGE_STATE_DIR</c>, else <c>/var/lib/lodge</c>.</param>
/// <param name="JournalPath">The handoff journal: <c>handoff.journal</c> in the state root (what <c>up</c> writes and <c>rescue</c> reads).</param>
/// <param name="ReportsDatabase">The outcome database: <c>--reports-db</c>, else <c>reports.db</c> in the state root
/// (as root, or when <c>LODGE_STATE_DIR</c> is set), else <c>$XDG_STATE_HOME/lodge/reports.db</c> (default <c>~/.local/state</c>).</param>
/// <param name="DemoCache">The demo guest's image: <c>$LODGE_DEMO_CACHE</c>, else <c>demo-image</c> in the state root.</param>
public sealed record LodgePaths(string ConfigDir, string RunRoot, string StateRoot, string JournalPath, string ReportsDatabase, string DemoCache)
{
    /// <summary>Where <c>lodge setup --apply</c> keeps its backups: a host path below the host root (<c>--root</c>), next to
    /// the files it backs up, so a write under <c>--root</c> never leaves it (<c>/var/lib/lodge/setup</c>).</summary>
    public string SetupBackups { get; init; } = Linux.Setup.SetupExecutor.DefaultBackupDirectory;

    /// <summary>Short-lived files (a report file uploaded to the dashboard, or one it sends back): <c>$TMPDIR</c>, else <c>/tmp</c>.</summary>
    public string Scratch { get; init; } = DefaultScratch;

    /// <summary>Lodge's settings (<c>lodge.toml</c>: the default catalog) beside the machines folder: <c>/etc/lodge/lodge.toml</c> as root.</summary>
    public string SettingsFile => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ConfigDir)) ?? "/etc/lodge", Core.Catalog.CatalogConfig.FileName);

    /// <summary>Lodge's clones of catalogs: <c>catalogs/</c> beside the outcome database.</summary>
    public string CatalogClones => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ReportsDatabase)) ?? ".", "catalogs");

    // What Path.GetTempPath() falls back to on Linux when TMPDIR is not set.
    private const string DefaultScratch = "/tmp";

    /// <summary>The run and state roots, as the guest runtime takes them.</summary>
    public RuntimeRoots Roots => new(RunRoot, StateRoot);

    /// <summary>Resolves every path of <paramref name="options"/>.</summary>
    public static LodgePaths Resolve(LodgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? Env(string name) => options.Environment(name) is { Length: > 0 } value ? value : null;

        var run = Env("LODGE_RUN_DIR") ?? RuntimeRoots.DefaultRunRoot;
        var state = Env("LODGE_STATE_DIR") ?? RuntimeRoots.DefaultStateRoot;

        // XDG Base Directory Specification: $XDG_CONFIG_HOME, default $HOME/.config; $XDG_STATE_HOME, default $HOME/.local/state.
        var config = options.ConfigDir is { Length: > 0 } dir ? dir
            : options.Privileged ? "/etc/lodge/machines"
            : Path.Combine(Env("XDG_CONFIG_HOME") ?? Path.Combine(options.Home, ".config"), "lodge", "machines");
        var reports = options.ReportsDb is { Length: > 0 } db ? db
            : options.Privileged || state != RuntimeRoots.DefaultStateRoot ? Path.Combine(state, "reports.db")
            : Path.Combine(Env("XDG_STATE_HOME") ?? Path.Combine(options.Home, ".local", "state"), "lodge", "reports.db");
        var cache = Env("LODGE_DEMO_CACHE") ?? Path.Combine(state, "demo-image");
        return new LodgePaths(config, run, state, Path.Combine(state, "handoff.journal"), reports, cache) { Scratch = Env("TMPDIR") ?? DefaultScratch };
    }
}
