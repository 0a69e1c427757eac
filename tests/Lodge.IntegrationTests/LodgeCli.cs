using Lodge.Linux.Processes;

namespace Lodge.IntegrationTests;

/// <summary>Runs the real lodge executable (built next to the tests) as a process.</summary>
public static class LodgeCli
{
    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "lodge");

    public static Task<ProcessResult> RunAsync(params string[] args) =>
        HostProcesses.Runner.RunAsync(Path, args, Lodge.Testing.Patience.Event);

    public static SpawnedProcess Start(string log, params string[] args) =>
        SpawnedProcess.Start([Path, .. args], log, newSession: true);
}
