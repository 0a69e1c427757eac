namespace Lodge.Linux.Processes;

/// <summary>The production <see cref="IProcessRunner"/>, for callers outside Lodge.Linux (the CLI's composition root).</summary>
public static class HostProcesses
{
    /// <summary>Runs real programs.</summary>
    public static IProcessRunner Runner { get; } = new ProcessRunner();
}
