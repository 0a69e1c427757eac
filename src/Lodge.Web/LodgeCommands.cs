using System.Diagnostics;

namespace Lodge.Web;

/// <summary>Runs lodge's own commands (this same binary) for the dashboard, so that every page shows exactly what the
/// CLI says and does: the same JSON, the same progress lines, the same one-sentence errors. argv only, never a shell.</summary>
/// <param name="Executable">This binary.</param>
/// <param name="GlobalArgs">The global options <c>serve</c> was given (<c>--root</c>, <c>--config-dir</c>, <c>--reports-db</c>), passed on.</param>
public sealed record LodgeCommands(string Executable, IReadOnlyList<string> GlobalArgs)
{
    /// <summary>How long one command may run before the dashboard stops waiting (a guest's boot or a handoff included).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    /// <summary>Runs <c>lodge ARGS...</c>; every line of its output (both streams, in order of arrival) goes to
    /// <paramref name="onLine"/> as it is printed.</summary>
    public async Task<CommandResult> RunAsync(IReadOnlyList<string> args, Action<string>? onLine = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args.Concat(GlobalArgs))
        {
            start.ArgumentList.Add(arg);
        }

        // A plain terminal for the child: no colours or box drawing in what the page shows.
        start.Environment["NO_COLOR"] = "1";
        start.Environment["TERM"] = "dumb";
        start.Environment["COLUMNS"] = "120";

        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        var gate = new Lock();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Collect(e.Data, stdout);
        process.ErrorDataReceived += (_, e) => Collect(e.Data, stderr);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        lock (gate)
        {
            return new CommandResult(process.ExitCode, stdout.ToString(), stderr.ToString());
        }

        void Collect(string? line, System.Text.StringBuilder into)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                into.Append(line).Append('\n');
            }

            onLine?.Invoke(line);
        }
    }
}
