using Lodge.Core.Catalog;
using Lodge.Core.Reports;
using Lodge.Linux.Reports;

namespace Lodge.Linux.Catalog;

/// <summary><c>lodge report pull</c>: brings the reports of a catalog into the local database, reading only the files
/// changed since the last pulled commit (<c>git diff --raw OLD NEW</c>), refusing bad files one by one.</summary>
public static class CatalogPuller
{
    /// <summary>Imports what changed in <paramref name="clone"/> since the last pull into <paramref name="store"/>.</summary>
    public static CatalogPullResult Pull(CatalogClone clone, ReportStore store, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(clone);
        ArgumentNullException.ThrowIfNull(store);
        var tip = clone.Tip;
        if (tip is null)
        {
            return new CatalogPullResult(clone.Source, null, 0, 0, 0, [], clone.Offline, false);
        }

        var old = store.CatalogCommit(clone.Source);
        if (old == tip)
        {
            return new CatalogPullResult(clone.Source, tip, 0, 0, 0, [], clone.Offline, true);
        }

        var git = clone.Git;
        // An old commit the catalog no longer has (history rewritten) means reading everything again; the ids keep it idempotent.
        var incremental = old is not null && CatalogClone.RevParse(git, clone.Directory, old) is not null;
        var listing = incremental
            ? ParseRaw(git.Run(clone.Directory, "list the changed catalog files", "diff", "--raw", "-z", "--no-renames", "--no-abbrev", "--diff-filter=AM", old!, tip))
            : ParseTree(git.Run(clone.Directory, "list the catalog files", "ls-tree", "-r", "-z", "--full-tree", tip));
        git.Run(clone.Directory, "check out the catalog", "checkout", "--quiet", "--force", "--detach", tip);

        var refused = new List<CatalogRefusal>();
        var accepted = new List<(OutcomeReport, string)>();
        var examined = 0;
        foreach (var (mode, path) in listing.Where(e => CatalogPath.IsUnderReports(e.Path)))
        {
            examined++;
            if (Read(clone.Directory, mode, path) is { } result)
            {
                if (result.Report is { } report)
                {
                    accepted.Add((report, result.Id!));
                }
                else
                {
                    refused.Add(new CatalogRefusal(path, result.Refusal!));
                }
            }
        }

        var (added, present) = store.ImportCatalog(accepted, clone.Source);
        store.SetCatalogCommit(clone.Source, tip, now);
        return new CatalogPullResult(clone.Source, tip, examined, added, present, refused, clone.Offline, incremental);
    }

    private static CatalogFileResult? Read(string directory, string mode, string path)
    {
        if (mode == "120000")
        {
            return new CatalogFileResult(path, null, null, "it is a symbolic link");
        }

        if (mode == "160000")
        {
            return new CatalogFileResult(path, null, null, "it is a submodule");
        }

        if (!CatalogPath.TryParse(path, out _, out _))
        {
            return CatalogFile.Read(path, []);
        }

        var file = new FileInfo(Path.Combine(directory, path));
        if (!file.Exists || file.LinkTarget is not null)
        {
            return new CatalogFileResult(path, null, null, "it is not a plain file");
        }

        if (file.Length > CatalogFile.MaxBytes)
        {
            return new CatalogFileResult(path, null, null, $"it is {file.Length} bytes, more than the {CatalogFile.MaxBytes} a report may have");
        }

        return CatalogFile.Read(path, File.ReadAllBytes(file.FullName));
    }

    // ":100644 100644 OLDSHA NEWSHA M\0path\0" per changed file.
    private static List<(string Mode, string Path)> ParseRaw(string text)
    {
        var parts = text.Split('\0');
        var result = new List<(string, string)>();
        for (var i = 0; i + 1 < parts.Length; i += 2)
        {
            var fields = parts[i].Split(' ');
            if (fields.Length >= 5)
            {
                result.Add((fields[1], parts[i + 1]));
            }
        }

        return result;
    }

    // "100644 blob SHA\tpath\0" per file.
    private static List<(string Mode, string Path)> ParseTree(string text)
    {
        var result = new List<(string, string)>();
        foreach (var entry in text.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = entry.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                result.Add((entry[..entry.IndexOf(' ', StringComparison.Ordinal)], entry[(tab + 1)..]));
            }
        }

        return result;
    }
}
