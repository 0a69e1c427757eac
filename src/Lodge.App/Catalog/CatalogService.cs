using Lodge.App.Reports;
using Lodge.Core;
using Lodge.Core.Catalog;
using Lodge.Core.Reports;
using Lodge.Linux;
using Lodge.Linux.Catalog;
using Lodge.Linux.Reports;

namespace Lodge.App.Catalog;

/// <summary>The community catalog over git: publish (shown first, then committed and pushed), pull (only what is new
/// since the last pull) and a static site. Returns data; the CLI asks and renders.</summary>
public sealed class CatalogService
{
    private readonly LodgeHost _lodge;

    /// <summary>The catalog of <paramref name="lodge"/>'s settings, with Lodge's clones beside its outcome database.</summary>
    public CatalogService(LodgeHost lodge)
    {
        ArgumentNullException.ThrowIfNull(lodge);
        _lodge = lodge;
    }

    /// <summary>The catalog URL of the settings file (<see cref="LodgePaths.SettingsFile"/>), or null.</summary>
    public string? ConfiguredCatalog()
    {
        var path = _lodge.Paths.SettingsFile;
        return File.Exists(path) ? CatalogConfig.Url(File.ReadAllText(path), path) : null;
    }

    /// <summary>The files a publish of <paramref name="request"/> would send, privacy-filtered, exactly as they would
    /// leave; nothing is sent. Throws when an id names no report.</summary>
    public CatalogPublishPreview PreparePublish(CatalogPublishRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var source = Source(request.Catalog);
        using var store = _lodge.OpenReports();
        var all = store.All();
        var wanted = request.Ids;
        var missing = wanted.Where(id => all.All(r => r.Id != id)).ToList();
        if (missing.Count > 0)
        {
            throw new ReportNotFoundException($"There is no report {missing[0]}.") { Hint = "Run 'lodge report list' to see the ids." };
        }

        // Only this host's own attempts: reports pulled from elsewhere are their reporters' to publish.
        var reports = wanted.Count == 0 ? all.Where(r => r.Origin == "local").ToList() : all.Where(r => wanted.Contains(r.Id)).ToList();
        if (reports.Count == 0)
        {
            return new CatalogPublishPreview(source, []);
        }

        var secrets = PrivacySecrets.Collect(_lodge.Root)
            .Concat(all.Select(r => r.Machine).OfType<string>()).Distinct(StringComparer.Ordinal).ToList();
        (string, string)[] runRoots = [(_lodge.Paths.RunRoot, "/run/lodge"), (_lodge.Paths.StateRoot, "/var/lib/lodge")];
        return new CatalogPublishPreview(source, [.. reports.Select(r => new CatalogPublishFile(r.Id, CatalogEntry.For(ReportPrivacy.Filter(r, secrets, runRoots))))]);
    }

    /// <summary>Commits the files of <paramref name="preview"/> on a branch of Lodge's clone and pushes them to the
    /// catalog's default branch; marks the reports published once the catalog holds them.</summary>
    public CatalogPublishOutcome Publish(CatalogPublishPreview preview)
    {
        ArgumentNullException.ThrowIfNull(preview);
        using var store = _lodge.OpenReports();
        var clone = CatalogClone.Open(preview.Source, _lodge.Paths.CatalogClones, new CatalogGit());
        var result = CatalogPublisher.Publish(clone, [.. preview.Files.Select(f => f.Entry)], _lodge.Time.GetUtcNow());
        if (result.Pushed || result.Added == 0)
        {
            foreach (var f in preview.Files)
            {
                store.MarkPublished(f.ReportId, f.Entry.Id);
            }
        }

        return new CatalogPublishOutcome(preview.Source, result, clone.Branch);
    }

    /// <summary>Fetches <paramref name="catalog"/> (null: the configured one) and imports the reports that are new since
    /// the last pull; without network, from the clone as it was (<paramref name="offline"/> hears of it first).</summary>
    public CatalogPullResult Pull(string? catalog, Action<CatalogOffline>? offline = null)
    {
        var source = Source(catalog);
        using var store = _lodge.OpenReports();
        var clone = CatalogClone.Open(source, _lodge.Paths.CatalogClones, new CatalogGit());
        if (clone.Offline is { } reason)
        {
            offline?.Invoke(new CatalogOffline(clone.Source, reason));
        }

        return CatalogPuller.Pull(clone, store, _lodge.Time.GetUtcNow());
    }

    /// <summary>Writes a static HTML site of the catalog clone <paramref name="catalogDirectory"/> to <paramref name="outputDirectory"/>.</summary>
    public static CatalogSiteResult Site(string catalogDirectory, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(catalogDirectory);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        var (reports, pages) = CatalogSiteWriter.Write(Path.GetFullPath(catalogDirectory), outputDirectory);
        return new CatalogSiteResult(reports, pages);
    }

    private string Source(string? option) =>
        option ?? ConfiguredCatalog()
        ?? throw new ConfigException($"No catalog is named: pass --catalog DIR|URL, or set it in '{_lodge.Paths.SettingsFile}' as [catalog] url = \"…\".");
}
