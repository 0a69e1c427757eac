namespace Lodge.Linux.Runtime;

/// <summary>Where guests keep their files: runtime files below <see cref="RunRoot"/> (<c>/run/lodge</c>), persistent ones below <see cref="StateRoot"/> (<c>/var/lib/lodge</c>).</summary>
/// <remarks>Both can be moved with <c>LODGE_RUN_DIR</c> and <c>LODGE_STATE_DIR</c>, resolved once by Lodge.App's <c>LodgePaths</c>.</remarks>
public sealed record RuntimeRoots(string RunRoot, string StateRoot)
{
    /// <summary>The run root when LODGE_RUN_DIR is not set.</summary>
    public const string DefaultRunRoot = "/run/lodge";

    /// <summary>The state root when LODGE_STATE_DIR is not set.</summary>
    public const string DefaultStateRoot = "/var/lib/lodge";

    /// <summary>The runtime folder of one guest.</summary>
    public string RunDir(string machine) => Path.Combine(RunRoot, machine);

    /// <summary>The persistent folder of one guest.</summary>
    public string StateDir(string machine) => Path.Combine(StateRoot, machine);

    /// <summary>The state file of one guest: <c>{RunDir}/state.json</c>.</summary>
    public string StateFile(string machine) => Path.Combine(RunDir(machine), "state.json");
}
