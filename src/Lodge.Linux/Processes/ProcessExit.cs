namespace Lodge.Linux.Processes;

/// <summary>How a spawned process ended: an exit code, or the signal that killed it.</summary>
public sealed record ProcessExit(int? ExitCode, int? Signal)
{
    /// <summary>A sentence fragment such as "exit code 1" or "signal 9 (SIGKILL)".</summary>
    public string Describe() => Signal is { } s ? $"signal {s}{SignalName(s)}" : $"exit code {ExitCode}";

    private static string SignalName(int signal) => signal switch
    {
        9 => " (SIGKILL)",
        15 => " (SIGTERM)",
        6 => " (SIGABRT)",
        11 => " (SIGSEGV)",
        2 => " (SIGINT)",
        _ => string.Empty,
    };
}
