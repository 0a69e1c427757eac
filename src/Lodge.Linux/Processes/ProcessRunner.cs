using System.ComponentModel;
using System.Diagnostics;

namespace Lodge.Linux.Processes;

/// <summary>The one wrapper around <see cref="Process"/>: argument lists only, stdin closed, both streams drained, a hard timeout.</summary>
/// <remarks>
/// Both output streams are read concurrently so that a program filling one pipe cannot deadlock the other
/// (the classic <c>Process</c> pitfall; CliWrap <c>Utils/ProcessEx.cs</c> does the same). On timeout or cancellation
/// the whole process tree is killed before the method returns, so nothing outlives the call.
/// </remarks>
internal sealed class ProcessRunner(IReadOnlyDictionary<string, string?>? environment = null) : IProcessRunner
{
    public ProcessResult Run(string file, IReadOnlyList<string> arguments, TimeSpan timeout) =>
        RunAsync(file, arguments, timeout, CancellationToken.None).GetAwaiter().GetResult();

    public async Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Set (or, with a null value, removed) for this program only; the rest is inherited.
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            throw new HostProcessException($"Cannot start '{file}'.", file, e);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return new ProcessResult(-1, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), TimedOut: true);
        }

        return new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It exited between the timeout and the kill.
        }
    }
}
