// The catalog benchmark: a synthetic catalog of N reports (default 100,000) in a bare git repository, then the
// times of a first pull (clone + import of every file), an incremental pull (100 new reports) and a per-GPU query.
using System.Diagnostics;
using System.Globalization;
using Lodge.Core.Catalog;
using Lodge.Core.Reports;
using Lodge.Linux.Catalog;
using Lodge.Linux.Reports;
using Lodge.Testing;

var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var work = Directory.CreateTempSubdirectory("lodge-catalog-bench-").FullName;
var git = new CatalogGit();
try
{
    var seed = Path.Combine(work, "seed");
    Directory.CreateDirectory(seed);
    var watch = Stopwatch.StartNew();
    git.Run(seed, "init the seed", "init", "--quiet", "-b", "main");
    SyntheticCatalog.Write(seed, 0, count);
    git.Run(seed, "add", "add", "--all");
    git.Run(seed, "commit", "commit", "--quiet", "-m", "synthetic");
    var bare = Path.Combine(work, "catalog.git");
    git.Run(null, "clone bare", "clone", "--quiet", "--bare", seed, bare);
    Report($"generate {count} reports + git commit", watch.Elapsed);

    var db = Path.Combine(work, "reports.db");
    using var store = ReportStore.Open(db);
    watch.Restart();
    var clone = CatalogClone.Open(bare, Path.Combine(work, "catalogs"), git);
    var cloned = watch.Elapsed;
    var first = CatalogPuller.Pull(clone, store, DateTimeOffset.UtcNow);
    Report("first pull: git clone", cloned);
    Report($"first pull: checkout + read + import {first.New} reports", watch.Elapsed - cloned);

    SyntheticCatalog.Write(seed, count, 100);
    git.Run(seed, "add", "add", "--all");
    git.Run(seed, "commit", "commit", "--quiet", "-m", "100 more");
    git.Run(seed, "push", "push", "--quiet", bare, "main");
    watch.Restart();
    clone = CatalogClone.Open(bare, Path.Combine(work, "catalogs"), git);
    var fetched = watch.Elapsed;
    var second = CatalogPuller.Pull(clone, store, DateTimeOffset.UtcNow);
    Report("incremental pull: git fetch", fetched);
    Report($"incremental pull: diff + import {second.New} of {second.Examined} changed files", watch.Elapsed - fetched);

    var host = new CatalogHost("1002:73df:1eae:6601", "Gigabyte Technology Co., Ltd.", "B550M AORUS PRO-P", "6.8.0-45-generic", "AMD Ryzen 7 5800X 8-Core Processor");
    var read = new List<TimeSpan>();
    var times = new List<TimeSpan>();
    var found = 0;
    for (var i = 0; i < 5; i++)
    {
        watch.Restart();
        var reports = store.ForGpu("1002:73df");
        read.Add(watch.Elapsed);
        var query = ReportQuery.Run(reports, "1002:73df");
        var knowledge = CatalogKnowledge.For(host, reports);
        times.Add(watch.Elapsed);
        found = knowledge.OnGpu.Attempts == query.Reports.Count ? query.Reports.Count : -1;
    }

    Report($"query one GPU: read its {found} of {store.Count()} reports via the index, median of 5", read.Order().ElementAt(2));
    Report("query one GPU: read + rank + knowledge (what 'report query' does), median of 5", times.Order().ElementAt(2));
}
finally
{
    Directory.Delete(work, recursive: true);
}

static void Report(string what, TimeSpan time) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-70} {time.TotalMilliseconds,10:0} ms"));
