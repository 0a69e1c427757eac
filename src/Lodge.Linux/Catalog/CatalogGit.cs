using Lodge.Linux.Processes;

namespace Lodge.Linux.Catalog;

/// <summary>Runs git for the catalog: argument lists only, never a prompt (<c>GIT_TERMINAL_PROMPT=0</c>, no askpass,
/// ssh in batch mode), none of the user's global or system configuration, the <c>ext::</c> transport off, and a neutral
/// "lodge" identity for commits.</summary>
public sealed class CatalogGit
{
    /// <summary>The identity of every catalog commit: no person, no host name.</summary>
    public const string UserName = "lodge";

    /// <summary>The e-mail of every catalog commit (a reserved, unroutable domain).</summary>
    public const string UserEmail = "lodge@lodge.invalid";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private static readonly string[] Safety =
    [
        "-c", "protocol.ext.allow=never", "-c", "core.symlinks=false", "-c", "core.hooksPath=/dev/null",
        "-c", "commit.gpgSign=false", "-c", $"user.name={UserName}", "-c", $"user.email={UserEmail}",
        "-c", "advice.detachedHead=false", "-c", "init.defaultBranch=main", "-c", "core.quotePath=false",
    ];

    private readonly string _git;
    private readonly IReadOnlyDictionary<string, string?> _environment;

    /// <summary>Uses <paramref name="git"/> (default: git on PATH).</summary>
    public CatalogGit(string git = "git")
    {
        _git = git;
        _environment = Environment();
    }

    private static Dictionary<string, string?> Environment() => new(StringComparer.Ordinal)
    {
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        ["GIT_ASKPASS"] = null,
        ["SSH_ASKPASS"] = null,
        ["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes",
        ["GIT_AUTHOR_NAME"] = null,
        ["GIT_AUTHOR_EMAIL"] = null,
        ["GIT_COMMITTER_NAME"] = null,
        ["GIT_COMMITTER_EMAIL"] = null,
        ["GIT_DIR"] = null,
        ["GIT_WORK_TREE"] = null,
        ["LC_ALL"] = "C",
    };

    /// <summary>Runs <c>git -C DIR ARGS</c>; returns the result whatever the exit code.</summary>
    public ProcessResult TryRun(string? directory, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var env = extra is null ? _environment : _environment.Concat(extra).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        var argv = new List<string>(Safety);
        if (directory is not null)
        {
            argv.InsertRange(0, ["-C", directory]);
        }

        argv.AddRange(arguments);
        var result = new ProcessRunner(env).Run(_git, argv, Timeout);
        return result;
    }

    /// <summary>Runs git and returns its standard output; throws <see cref="CatalogException"/> saying <paramref name="what"/> failed.</summary>
    public string Run(string? directory, string what, params string[] arguments)
    {
        var result = TryRun(directory, arguments);
        if (result.TimedOut || result.ExitCode != 0)
        {
            throw new CatalogException($"Could not {what}: {Reason(result)}");
        }

        return result.StandardOutput;
    }

    /// <summary>The last meaningful line git printed, for a one-sentence error.</summary>
    public static string Reason(ProcessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.TimedOut)
        {
            return "git did not finish in 10 minutes";
        }

        var lines = (result.StandardError + "\n" + result.StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var at = Array.FindLastIndex(lines, l => l.StartsWith("fatal:", StringComparison.Ordinal) || l.StartsWith("error:", StringComparison.Ordinal) || l.StartsWith("remote:", StringComparison.Ordinal));
        var line = at >= 0 ? lines[at] : lines.LastOrDefault() ?? $"git exited with {result.ExitCode}";
        if (at >= 0 && line.EndsWith(':') && at + 1 < lines.Length)
        {
            // "fatal: unable to connect to HOST:" says why on the next line ("errno=Connection refused").
            line += " " + lines[at + 1];
        }
        return line.TrimEnd('.') + ".";
    }
}
