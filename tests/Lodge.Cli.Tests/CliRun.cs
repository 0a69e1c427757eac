using Lodge.Cli;
using Spectre.Console;
using Spectre.Console.Testing;

namespace Lodge.Cli.Tests;

/// <summary>Runs lodge's command tree in-process against a fixed-width test console.</summary>
internal static class CliRun
{
    public static CliResult Run(params string[] args) => RunWith((Lodge.Linux.Runtime.RuntimeRoots?)null, args);

    /// <summary>Runs with the given run and state roots instead of LODGE_RUN_DIR/LODGE_STATE_DIR (tests run in parallel, so they never set the environment).</summary>
    public static CliResult RunWith(Lodge.Linux.Runtime.RuntimeRoots? roots, params string[] args) => RunCore(roots, null, args);

    /// <summary>Runs with <paramref name="input"/> as standard input (answers to questions).</summary>
    public static CliResult RunWithInput(string input, params string[] args) => RunCore(null, input, args);

    /// <summary>The options every run starts from: the process's environment and programs, and a fixed wall clock.</summary>
    public static Lodge.App.LodgeOptions Options => Lodge.App.LodgeOptions.FromProcess() with { Time = new FixedTime(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero)) };

    private static CliResult RunCore(Lodge.Linux.Runtime.RuntimeRoots? roots, string? input, string[] args)
    {
        var options = Options;
        if (roots is not null)
        {
            options = options with { Environment = Environment(roots) };
        }

        return RunInner(options, args, input);
    }

    /// <summary>The process's environment with LODGE_RUN_DIR and LODGE_STATE_DIR replaced (never set in the process).</summary>
    public static Func<string, string?> Environment(Lodge.Linux.Runtime.RuntimeRoots roots) => name => name switch
    {
        "LODGE_RUN_DIR" => roots.RunRoot,
        "LODGE_STATE_DIR" => roots.StateRoot,
        _ => System.Environment.GetEnvironmentVariable(name),
    };

    /// <summary>Runs with a whole composition root's options (the environment, the clock and the doubles a test chose).</summary>
    public static CliResult RunWith(Lodge.App.LodgeOptions options, params string[] args) => RunInner(options, args, null);

    private static CliResult RunInner(Lodge.App.LodgeOptions options, string[] args, string? input)
    {
        var console = new TestConsole().Width(120);
        console.Profile.Capabilities.Ansi = false;
        console.Profile.Capabilities.Unicode = true;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(console, stdout, stderr) { Options = options, In = new StringReader(input ?? string.Empty) };

        // Keep every test away from the real outcome database: a fresh path that does not exist unless the test names one.
        if (!args.Contains("--reports-db"))
        {
            args = [.. args, "--reports-db", Path.Combine(Path.GetTempPath(), $"lodge-no-db-{Guid.NewGuid():N}", "reports.db")];
        }

        var exit = LodgeApp.Run(args, context);
        var text = string.Join('\n', console.Output.Split('\n').Select(l => l.TrimEnd()));
        return new CliResult(exit, text, stdout.ToString(), stderr.ToString());
    }

    internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

internal sealed record CliResult(int ExitCode, string Console, string Out, string Error);
