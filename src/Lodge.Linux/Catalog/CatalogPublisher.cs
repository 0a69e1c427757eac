using System.Globalization;
using System.Text;
using Lodge.Core.Catalog;
using Lodge.Core.Reports;

namespace Lodge.Linux.Catalog;

/// <summary><c>lodge report publish</c>: writes report files on a branch of the local clone, regenerates
/// <c>index.json</c>, commits as "lodge" with the day only, and pushes to the default branch when the catalog accepts it.</summary>
public static class CatalogPublisher
{
    private const int Attempts = 3;

    /// <summary>Publishes <paramref name="entries"/> (already privacy-filtered, see <see cref="CatalogEntry"/>).</summary>
    /// <exception cref="CatalogException">git failed locally.</exception>
    public static CatalogPublishResult Publish(CatalogClone clone, IReadOnlyList<CatalogEntry> entries, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(clone);
        ArgumentNullException.ThrowIfNull(entries);
        var git = clone.Git;
        var dir = clone.Directory;
        var branch = "lodge/publish-" + (entries.Count == 0 ? "none" : entries[0].Id[..12]);
        for (var attempt = 1; ; attempt++)
        {
            if (clone.Tip is { } tip)
            {
                git.Run(dir, "prepare the publish branch", "checkout", "--quiet", "--force", "-B", branch, tip);
            }
            else
            {
                git.Run(dir, "prepare the publish branch", "checkout", "--quiet", "--force", "--orphan", branch);
            }

            git.Run(dir, "clean the local clone", "clean", "-q", "-f", "-d", "-x");
            var added = 0;
            var written = new List<CatalogEntry>();
            foreach (var e in entries.DistinctBy(e => e.Id))
            {
                var path = Path.Combine(dir, e.Path);
                if (File.Exists(path) && File.ReadAllText(path) == e.Document)
                {
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, e.Document, new UTF8Encoding(false));
                written.Add(e);
                added++;
            }

            var already = entries.DistinctBy(e => e.Id).Count() - added;
            if (added == 0)
            {
                return new CatalogPublishResult(0, already, false, branch, dir, null, null);
            }

            var readme = Path.Combine(dir, "README.md");
            if (!File.Exists(readme))
            {
                File.WriteAllText(readme, CatalogReadme.Text, new UTF8Encoding(false));
            }

            File.WriteAllText(Path.Combine(dir, "index.json"), Index(dir, written), new UTF8Encoding(false));
            git.Run(dir, "stage the report files", "add", "--all", "--", ".");
            // The day only, in UTC: a commit's time of day and time zone say where and when someone sat at the machine.
            var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + " +0000";
            var dates = new Dictionary<string, string?> { ["GIT_AUTHOR_DATE"] = day, ["GIT_COMMITTER_DATE"] = day };
            var commit = git.TryRun(dir, ["commit", "--quiet", "--no-verify", "-m", $"Add {added} report(s)"], dates);
            if (commit.ExitCode != 0)
            {
                throw new CatalogException($"Could not commit the reports in '{dir}': {CatalogGit.Reason(commit)}");
            }

            var push = git.TryRun(dir, ["push", "--quiet", "--porcelain", "origin", $"HEAD:refs/heads/{clone.Branch}"]);
            if (push.ExitCode == 0 && !push.TimedOut)
            {
                git.TryRun(dir, ["fetch", "--quiet", "origin"]);
                return new CatalogPublishResult(added, already, true, branch, dir, null, null);
            }

            var text = push.StandardOutput + push.StandardError;
            var raced = text.Contains("fetch first", StringComparison.Ordinal) || text.Contains("non-fast-forward", StringComparison.Ordinal);
            if (raced && attempt < Attempts)
            {
                // Someone published in between: start again from their commit (index.json is regenerated, never merged).
                clone.Refetch();
                continue;
            }

            var command = $"git -C '{dir}' push <YOUR-FORK-URL> {branch}";
            return new CatalogPublishResult(added, already, false, branch, dir, CatalogGit.Reason(push), command);
        }
    }

    /// <summary>The new <c>index.json</c> of <paramref name="catalogDirectory"/> after <paramref name="written"/> were
    /// added to it: the committed index plus the new reports, when that index is one lodge wrote and counts as many
    /// reports as the catalog has files before them; otherwise rebuilt from every file (a hand-edited index, files
    /// merged by another tool, a refused file in the tree). Either way the same bytes as a full rebuild.</summary>
    public static string Index(string catalogDirectory, IReadOnlyCollection<CatalogEntry> written)
    {
        ArgumentNullException.ThrowIfNull(written);
        var indexPath = Path.Combine(catalogDirectory, "index.json");
        var gpuRoot = Path.Combine(catalogDirectory, "gpu");
        if (File.Exists(indexPath) && new FileInfo(indexPath) is { LinkTarget: null, Length: <= 16 * 1024 * 1024 }
            && CatalogIndexCounts.Read(File.ReadAllText(indexPath)) is { } counts
            && Directory.Exists(gpuRoot)
            && counts.Reports == Directory.EnumerateFiles(gpuRoot, "*.json", SearchOption.AllDirectories).Count() - written.Count)
        {
            var added = written.Select(e => CatalogFile.Read(e.Path, Encoding.UTF8.GetBytes(e.Document)).Report).OfType<OutcomeReport>().ToList();
            if (added.Count == written.Count)
            {
                return counts.Add(added).Write();
            }
        }

        return CatalogIndex.Write(Reports(catalogDirectory).Select(x => x.Report));
    }

    /// <summary>Every report file of a catalog folder that passes the checks (what index.json and the site count).</summary>
    public static IEnumerable<(string Id, OutcomeReport Report)> Reports(string catalogDirectory)
    {
        var gpuRoot = Path.Combine(catalogDirectory, "gpu");
        if (!Directory.Exists(gpuRoot))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(gpuRoot, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            if (info.LinkTarget is not null || info.Length > CatalogFile.MaxBytes)
            {
                continue;
            }

            var relative = Path.GetRelativePath(catalogDirectory, file).Replace(Path.DirectorySeparatorChar, '/');
            if (CatalogFile.Read(relative, File.ReadAllBytes(file)) is { Report: { } r, Id: { } id })
            {
                yield return (id, r);
            }
        }
    }
}
