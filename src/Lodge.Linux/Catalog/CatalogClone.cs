using System.Security.Cryptography;
using System.Text;

namespace Lodge.Linux.Catalog;

/// <summary>Lodge's own clone of a catalog, kept under <c>catalogs/</c> beside the outcome database: created on first
/// use, fetched on every use, and read at the catalog's default branch. When the catalog cannot be reached the clone
/// is used as it is (offline).</summary>
public sealed class CatalogClone
{
    private readonly CatalogGit _git;

    private CatalogClone(CatalogGit git, string source, string directory, string branch, string? tip, string? offline)
    {
        _git = git;
        Source = source;
        Directory = directory;
        Branch = branch;
        Tip = tip;
        Offline = offline;
    }

    /// <summary>The catalog: a URL, or the full path of a folder (a bare repository or another clone).</summary>
    public string Source { get; }

    /// <summary>The clone's working folder.</summary>
    public string Directory { get; }

    /// <summary>The catalog's default branch (main when the catalog is still empty).</summary>
    public string Branch { get; }

    /// <summary>The commit at the tip of the default branch as last fetched; null for an empty catalog.</summary>
    public string? Tip { get; private set; }

    /// <summary>Why the catalog could not be reached (the clone was used as it was), or null when the fetch worked.</summary>
    public string? Offline { get; }

    /// <summary>The git runner of this clone.</summary>
    public CatalogGit Git => _git;

    /// <summary>The source as lodge names it: a URL as given, a folder as its full path.</summary>
    /// <exception cref="CatalogException">A folder that does not exist.</exception>
    public static string NormaliseSource(string catalog)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(catalog);
        if (catalog.StartsWith('-'))
        {
            throw new CatalogException($"The catalog '{catalog}' looks like an option, not a folder or URL.");
        }

        if (catalog.Contains("://", StringComparison.Ordinal) || (catalog.Contains('@', StringComparison.Ordinal) && catalog.Contains(':', StringComparison.Ordinal)))
        {
            return catalog;
        }

        var full = Path.GetFullPath(catalog);
        if (!System.IO.Directory.Exists(full))
        {
            throw new CatalogException($"The catalog folder '{full}' does not exist.") { Hint = "Pass a git URL, or the folder of a git repository (create one with 'git init --bare DIR')." };
        }

        return full;
    }

    /// <summary>Clones (first time) or fetches the catalog into <paramref name="cacheRoot"/>/&lt;hash of source&gt;.</summary>
    /// <exception cref="CatalogException">It cannot be cloned and there is no earlier clone to work from.</exception>
    public static CatalogClone Open(string catalog, string cacheRoot, CatalogGit git)
    {
        ArgumentNullException.ThrowIfNull(git);
        var source = NormaliseSource(catalog);
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16];
        var directory = Path.Combine(cacheRoot, name);
        string? offline = null;
        if (!System.IO.Directory.Exists(Path.Combine(directory, ".git")))
        {
            System.IO.Directory.CreateDirectory(cacheRoot);
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }

            var clone = git.TryRun(null, ["clone", "--quiet", "--no-checkout", "--", source, directory]);
            if (clone.ExitCode != 0 || clone.TimedOut)
            {
                throw new CatalogException($"Could not clone the catalog '{source}': {CatalogGit.Reason(clone)}") { Hint = "Check the URL and your network; once cloned, the catalog also works offline." };
            }
        }
        else
        {
            var fetch = git.TryRun(directory, ["fetch", "--quiet", "--prune", "origin"]);
            if (fetch.ExitCode != 0 || fetch.TimedOut)
            {
                offline = CatalogGit.Reason(fetch);
            }
        }

        var branch = DefaultBranch(git, directory, offline is null);
        var tip = RevParse(git, directory, $"refs/remotes/origin/{branch}");
        return new CatalogClone(git, source, directory, branch, tip, offline);
    }

    /// <summary>Fetches again (after a refused push) and returns the new tip.</summary>
    public string? Refetch()
    {
        _git.Run(Directory, $"fetch the catalog '{Source}'", "fetch", "--quiet", "--prune", "origin");
        Tip = RevParse(_git, Directory, $"refs/remotes/origin/{Branch}");
        return Tip;
    }

    /// <summary>The commit a ref names, or null.</summary>
    public static string? RevParse(CatalogGit git, string directory, string reference)
    {
        ArgumentNullException.ThrowIfNull(git);
        var r = git.TryRun(directory, ["rev-parse", "--verify", "--quiet", "--end-of-options", reference + "^{commit}"]);
        return r.ExitCode == 0 ? r.StandardOutput.Trim() : null;
    }

    private static string DefaultBranch(CatalogGit git, string directory, bool online)
    {
        if (online)
        {
            // The remote's HEAD may have moved (or the catalog was empty when cloned).
            var remote = git.TryRun(directory, ["ls-remote", "--symref", "origin", "HEAD"]);
            var line = remote.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("ref: refs/heads/", StringComparison.Ordinal));
            if (remote.ExitCode == 0 && line is not null)
            {
                return line["ref: refs/heads/".Length..].Split('\t')[0];
            }
        }

        var local = git.TryRun(directory, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]);
        if (local.ExitCode == 0 && local.StandardOutput.Trim() is { } head && head.StartsWith("refs/remotes/origin/", StringComparison.Ordinal))
        {
            return head["refs/remotes/origin/".Length..];
        }

        return "main";
    }
}
