using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Lodge.Core.Catalog;
using Lodge.Core.Reports;
using Lodge.Linux.Catalog;
using Lodge.Linux.Reports;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>The catalog at scale and over a real network remote: questions counted in SQL, index.json updated
/// incrementally, the site paged, and lodge.toml's default catalog reached through <c>git daemon</c>, lost and found again.</summary>
public sealed partial class CatalogScaleSpecs : IDisposable
{
    private readonly TreeCopy _work = new();

    public void Dispose() => _work.Dispose();

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_work.Root, name)).FullName;

    private static string Groups(OutcomeSummary s) => string.Join('|', s.Groups
        .Select(g => $"{g.Good}/{g.SameBoard}/{g.SameKernelSeries}/{g.SameCard}/{g.SameCpu}/{ReportQuery.FeatureKey(g.Features)}={g.Count}")
        .Order(StringComparer.Ordinal));

    [Fact]
    public void Questions_counted_in_sql_give_the_same_answer_as_reading_every_report()
    {
        // Arrange: 1,500 synthetic reports plus rated, unclean-handoff and never-started ones, other boards and kernels
        var db = Path.Combine(Dir("db"), "reports.db");
        using var store = ReportStore.Open(db);
        store.ImportCatalog(Enumerable.Range(0, 1500).Select(i => (SyntheticCatalog.Report(i), i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture))), "synthetic");
        var extra = SyntheticCatalog.Report(2);
        store.Add(extra with { Rating = new ReportRating(true, null), Hardware = extra.Hardware with { BoardModel = "b550m aorus pro-p" } });
        store.Add(extra with { Rating = new ReportRating(false, "flicker"), Versions = extra.Versions with { Kernel = "6.8" } });
        store.Add(extra with { Result = new ReportResult(true, true, false, "return", "The GPU did not come back."), Versions = extra.Versions with { Kernel = "6.80.1" } });
        store.Add(extra with { Result = new ReportResult(false, false, null, "start", "QEMU failed."), Hardware = extra.Hardware with { BoardVendor = null } });
        var all = store.All();
        var close = new CatalogHost("1002:73df:1eae:6601", "Gigabyte Technology Co., Ltd.", "B550M AORUS PRO-P", "6.8.0-45-generic", "AMD Ryzen 7 5800X 8-Core Processor");
        var questions = new (string Gpu, CatalogHost? Host, string? Board, string? Os)[]
        {
            ("1002:73df", close, null, null),
            ("1002:73df", null, null, null),
            ("1002:73df:1eae:6601", null, null, null),
            ("1002:73df", null, "mortar", null),
            ("1002:73df", null, null, "MACOS"),
            ("10de:2484", close with { Gpu = "10de:2484", CpuModel = null, KernelRelease = null }, "Dell", "linux"),
            ("1002:73d", null, null, null),
        };

        foreach (var (gpu, host, board, os) in questions)
        {
            // Act
            var sql = store.Summarise(gpu, host, board, os, best: 25);
            var memory = OutcomeSummary.Of(all, gpu, host, board, os, best: 25);

            // Assert: the same counts, groups, best reports and everything said from them
            Assert.Equal(memory.Attempts, sql.Attempts);
            Assert.Equal(memory.Good, sql.Good);
            Assert.Equal(Groups(memory), Groups(sql));
            Assert.Equal(memory.Best.Select(r => r.Id), sql.Best.Select(r => r.Id));
            Assert.Equal(ReportQuery.Run(all, gpu, board, os).Reports.Take(25).Select(r => r.Id), sql.Best.Select(r => r.Id));
            Assert.Equal(
                ReportQuery.Run(all, gpu, board, os).Differences.Select(d => $"{d.Feature}:{string.Join(',', d.Values)}"),
                ReportQuery.From(sql).Differences.Select(d => $"{d.Feature}:{string.Join(',', d.Values)}"));
            if (host is not null)
            {
                var known = CatalogKnowledge.For(host, ReportQuery.Filter(all, gpu));
                var counted = CatalogKnowledge.For(host, store.Summarise(gpu, host, best: 0).Groups);
                Assert.Equal(CatalogKnowledgeText.Summary(known), CatalogKnowledgeText.Summary(counted));
                Assert.Equal(CatalogKnowledgeText.Features(known, 10), CatalogKnowledgeText.Features(counted, 10));
            }
        }

        Assert.True(store.Summarise("1002:73df", close).Groups.Any(g => g.SameBoard && g.SameKernelSeries && g.SameCard && g.SameCpu), "no group is close to the host: the closeness flags are not exercised");
        Assert.Equal(0, store.Summarise("1002:73d").Attempts);
    }

    [Fact]
    public void Query_lists_the_best_twenty_and_counts_every_attempt()
    {
        var db = Path.Combine(Dir("db"), "reports.db");
        using (var store = ReportStore.Open(db))
        {
            store.ImportCatalog(Enumerable.Range(0, 600).Select(i => (SyntheticCatalog.Report(i), i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture))), "synthetic");
        }

        var some = CliRun.Run("report", "query", "--gpu", "1002:73df", "--reports-db", db);
        var every = CliRun.Run("report", "query", "--gpu", "1002:73df", "--all", "--reports-db", db);

        Assert.True(some.ExitCode == 0, some.Console + some.Error);
        Assert.Contains("The best 20 of 100 attempts are listed; --all lists every one.", some.Console);
        Assert.Matches(@"\d+ of 100 attempts worked\.", some.Console);
        Assert.Equal(20, Regex.Matches(some.Console, @"^\s*\d+\s+2026-", RegexOptions.Multiline).Count);
        Assert.Equal(100, Regex.Matches(every.Console, @"^\s*\d+\s+2026-", RegexOptions.Multiline).Count);
        Assert.DoesNotContain("are listed", every.Console);
        Assert.Contains("What made the difference: reset-method", some.Console);
    }

    [Fact]
    public void Publishing_updates_index_json_incrementally_to_the_bytes_of_a_full_rebuild()
    {
        // Arrange: a bare catalog and Lodge's clone of it
        var bare = Path.Combine(_work.Root, "catalog.git");
        CatalogSpecs.Git(null, "init", "--quiet", "--bare", "-b", "main", bare);
        var git = new CatalogGit();
        var cache = Dir("catalogs");
        var now = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

        // Act: five publishes of overlapping batches (the first makes the index, the rest update it)
        for (var round = 0; round < 5; round++)
        {
            var clone = CatalogClone.Open(bare, cache, git);
            var batch = Enumerable.Range(round * 40, 60).Select(i => CatalogEntry.For(SyntheticCatalog.Report(i))).ToList();
            var result = CatalogPublisher.Publish(clone, batch, now);
            Assert.True(result.Pushed, result.PushRefusal);

            // Assert: the committed index is byte for byte what reading every file gives
            var committed = CatalogSpecs.Git(bare, "show", "main:index.json");
            Assert.Equal(CatalogIndex.Write(CatalogPublisher.Reports(clone.Directory).Select(x => x.Report)), committed);
            Assert.Contains($"\"reports\": {(round * 40) + 60},", committed, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_index_update_trusts_only_an_index_that_counts_every_file_and_rebuilds_any_other()
    {
        // Arrange: a catalog folder with 30 reports and the index lodge writes for them
        var dir = Dir("catalog");
        SyntheticCatalog.Write(dir, 0, 30);
        var index = Path.Combine(dir, "index.json");
        File.WriteAllText(index, CatalogIndex.Write(CatalogPublisher.Reports(dir).Select(x => x.Report)));
        var added = SyntheticCatalog.Write(dir, 30, 3);
        var full = CatalogIndex.Write(CatalogPublisher.Reports(dir).Select(x => x.Report));

        // Act + Assert: a trusted index plus the new reports is the full rebuild
        Assert.Equal(full, CatalogPublisher.Index(dir, added));

        // It really is incremental: a file damaged after the index was written is not read again (a full rebuild drops it)
        var damaged = Directory.EnumerateFiles(Path.Combine(dir, "gpu"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First(f => added.All(a => !f.EndsWith(a.Path, StringComparison.Ordinal)));
        File.WriteAllText(damaged, "{}");
        Assert.Contains("\"reports\": 33,", CatalogPublisher.Index(dir, added), StringComparison.Ordinal);
        Assert.Contains("\"reports\": 32,", CatalogIndex.Write(CatalogPublisher.Reports(dir).Select(x => x.Report)), StringComparison.Ordinal);
        File.Delete(damaged);

        // An index that does not count every file, one edited by hand, or no index at all: rebuilt from the files
        var rebuilt = CatalogIndex.Write(CatalogPublisher.Reports(dir).Select(x => x.Report));
        File.WriteAllText(index, full);
        Assert.Equal(rebuilt, CatalogPublisher.Index(dir, added));
        File.WriteAllText(index, full.Replace("\"reports\": 33,", "\"reports\": 31,", StringComparison.Ordinal));
        Assert.Equal(rebuilt, CatalogPublisher.Index(dir, added));
        File.WriteAllText(index, "not json");
        Assert.Equal(rebuilt, CatalogPublisher.Index(dir, added));
        File.Delete(index);
        Assert.Equal(rebuilt, CatalogPublisher.Index(dir, added));
    }

    [Fact]
    public void A_long_report_list_is_paged_and_every_link_between_pages_resolves_from_file_urls()
    {
        // Arrange: 11 reports, 3 to a page
        var catalog = Dir("catalog");
        SyntheticCatalog.Write(catalog, 0, 11);
        var site = Path.Combine(_work.Root, "site");

        // Act
        var (reports, _) = CatalogSiteWriter.Write(catalog, site, pageSize: 3);

        // Assert: search.html and .p2 .. .p4 hold every report once, newest first, with previous/next links
        Assert.Equal(11, reports);
        var searchPages = new[] { "search.html", "search.p2.html", "search.p3.html", "search.p4.html" };
        Assert.All(searchPages, p => Assert.True(File.Exists(Path.Combine(site, p)), p));
        Assert.False(File.Exists(Path.Combine(site, "search.p5.html")));
        var listed = searchPages.SelectMany(p => ReportLinks().Matches(File.ReadAllText(Path.Combine(site, p))).Select(m => m.Groups[1].Value)).ToList();
        Assert.Equal(11, listed.Count);
        Assert.Equal(11, listed.Distinct().Count());
        var second = File.ReadAllText(Path.Combine(site, "search.p2.html"));
        Assert.Contains("<a rel=\"prev\" href=\"search.html\">", second, StringComparison.Ordinal);
        Assert.Contains("<a rel=\"next\" href=\"search.p3.html\">", second, StringComparison.Ordinal);
        Assert.Contains("Reports 4–6 of 11.", second, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"next\"", File.ReadAllText(Path.Combine(site, "search.p4.html")), StringComparison.Ordinal);

        // Every relative link of every page names a file that exists (so it works from file:// and any web server)
        foreach (var page in Directory.GetFiles(site, "*.html", SearchOption.AllDirectories))
        {
            foreach (Match m in Hrefs().Matches(File.ReadAllText(page)))
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, WebUtility.HtmlDecode(m.Groups[1].Value)));
                Assert.True(File.Exists(target), $"{Path.GetRelativePath(site, page)} links to missing {m.Groups[1].Value}");
            }
        }
    }

    [Fact]
    public void The_default_catalog_of_lodge_toml_is_pulled_over_git_daemon_used_offline_when_unreachable_and_caught_up_after()
    {
        // Arrange: a seeded catalog served by a real git daemon, named in lodge.toml beside the machines folder
        var served = Dir("served");
        var bare = Path.Combine(served, "catalog.git");
        var seed = Dir("seed");
        CatalogSpecs.Git(seed, "init", "--quiet", "-b", "main");
        SyntheticCatalog.Write(seed, 0, 50);
        CatalogSpecs.Git(seed, "add", "--all");
        CatalogSpecs.Git(seed, "commit", "--quiet", "-m", "50 reports");
        CatalogSpecs.Git(null, "clone", "--quiet", "--bare", seed, bare);
        var port = FreePort();
        var url = $"git://127.0.0.1:{port}/catalog.git";
        var machines = Dir("etc/machines");
        File.WriteAllText(Path.Combine(_work.Root, "etc", "lodge.toml"), $"[catalog]\nurl = \"{url}\"\n");
        var db = Path.Combine(Dir("db"), "reports.db");
        string[] Pull() => ["report", "pull", "--config-dir", machines, "--reports-db", db];

        using (var daemon = GitDaemon.Start(served, port))
        {
            // Act 1: no --catalog: the URL of lodge.toml
            var first = CliRun.Run(Pull());

            // Assert 1
            Assert.True(first.ExitCode == 0, first.Console + first.Error);
            Assert.Contains($"50 new report(s) from {url}; 50 file(s) read.", first.Console);
        }

        // Act 2: the daemon is gone; meanwhile the catalog grew
        SyntheticCatalog.Write(seed, 50, 7);
        CatalogSpecs.Git(seed, "add", "--all");
        CatalogSpecs.Git(seed, "commit", "--quiet", "-m", "7 more");
        CatalogSpecs.Git(seed, "push", "--quiet", bare, "main");
        var offline = CliRun.Run(Pull());
        var query = CliRun.Run("report", "query", "--gpu", "1002:73df", "--reports-db", db);

        // Assert 2: one sentence that names the catalog and says the clone is used; what was pulled still answers
        Assert.True(offline.ExitCode == 0, offline.Console + offline.Error);
        var said = offline.Console.Replace('\n', ' ');
        Assert.Single(Regex.Matches(said, "Could not reach"));
        Assert.Matches($@"Could not reach {Regex.Escape(url)} \(fatal: unable to connect to 127\.0\.0\.1: .*Connection refused\); using the local clone as it was\.", said);
        Assert.Contains($"0 new report(s) from {url}", offline.Console);
        Assert.Matches(@"\d+ of 9 attempts worked\.", query.Console);

        // Act 3: reachable again
        using (var daemon = GitDaemon.Start(served, port))
        {
            var again = CliRun.Run(Pull());

            // Assert 3: caught up with only the files that changed
            Assert.True(again.ExitCode == 0, again.Console + again.Error);
            Assert.DoesNotContain("Could not reach", again.Console);
            Assert.Contains($"7 new report(s) from {url}; 7 file(s) read (changed since the last pull).", again.Console);
        }

        using var store = ReportStore.Open(db);
        Assert.Equal(57, store.Count());
    }

    [Fact]
    public void A_default_catalog_never_reached_says_so_in_one_sentence_and_names_the_fix()
    {
        var machines = Dir("etc/machines");
        var url = $"git://127.0.0.1:{FreePort()}/catalog.git";
        File.WriteAllText(Path.Combine(_work.Root, "etc", "lodge.toml"), $"[catalog]\nurl = \"{url}\"\n");
        var db = Path.Combine(Dir("db"), "reports.db");

        var result = CliRun.Run("report", "pull", "--config-dir", machines, "--reports-db", db);
        var none = CliRun.Run("report", "pull", "--config-dir", Dir("elsewhere/machines"), "--reports-db", db);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"Could not clone the catalog '{url}'", result.Error + result.Console);
        Assert.Contains("once cloned, the catalog also works offline", result.Error + result.Console);
        Assert.Equal(3, none.ExitCode);
        Assert.Contains("No catalog is named: pass --catalog DIR|URL, or set it in", none.Error + none.Console);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("href=\"(r/[0-9a-f]{64}\\.html)\"")]
    private static partial Regex ReportLinks();

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Hrefs();

    /// <summary>A real <c>git daemon</c> serving a folder on 127.0.0.1, up when Start returns, killed on dispose.</summary>
    private sealed class GitDaemon : IDisposable
    {
        private readonly Process _process;

        private GitDaemon(Process process) => _process = process;

        public static GitDaemon Start(string basePath, int port)
        {
            var info = new ProcessStartInfo("git") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "daemon", "--export-all", "--reuseaddr", "--listen=127.0.0.1", $"--port={port}", $"--base-path={basePath}", basePath })
            {
                info.ArgumentList.Add(a);
            }

            var process = Process.Start(info)!;
            _ = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            var deadline = DateTime.UtcNow + Patience.Event;
            while (DateTime.UtcNow < deadline)
            {
                using var probe = new TcpClient();
                try
                {
                    probe.Connect(IPAddress.Loopback, port);
                    return new GitDaemon(process);
                }
                catch (SocketException)
                {
                    Assert.False(process.HasExited, "git daemon exited before it listened.");
                    Thread.Sleep(50);
                }
            }

            process.Kill(entireProcessTree: true);
            throw new TimeoutException("git daemon did not listen in time.");
        }

        public void Dispose()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
