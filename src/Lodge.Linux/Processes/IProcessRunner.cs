namespace Lodge.Linux.Processes;

/// <summary>Runs a program with an argument list (never a shell string) and collects its output.</summary>
/// <remarks>
/// The production implementation is the internal <c>ProcessRunner</c>, the only place in Lodge that touches
/// <c>System.Diagnostics.Process</c> (house style §2, CliWrap <c>Utils/ProcessEx.cs</c>).
/// </remarks>
public interface IProcessRunner
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>; kills it (and its children) after <paramref name="timeout"/>.</summary>
    /// <exception cref="HostProcessException">The program could not be started.</exception>
    Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>The blocking form of <see cref="RunAsync"/>, for callers that are synchronous themselves.</summary>
    /// <exception cref="HostProcessException">The program could not be started.</exception>
    ProcessResult Run(string file, IReadOnlyList<string> arguments, TimeSpan timeout);
}
