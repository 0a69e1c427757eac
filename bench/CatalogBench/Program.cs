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
    var before = new List<TimeSpan>();
    var listedTimes = new List<TimeSpan>();
    var knownTimes = new List<TimeSpan>();
    var opens = new List<TimeSpan>();
    var found = 0;
    var same = true;
    for (var i = 0; i < 7; i++)
    {
        // Before: every report of the GPU read whole, then ranked and summarised in memory.
        watch.Restart();
        var reports = store.ForGpu("1002:73df");
        var query = ReportQuery.Run(reports, "1002:73df");
        var knowledge = CatalogKnowledge.For(host, reports);
        before.Add(watch.Elapsed);

        // After, 'report query --gpu': counted in SQL, the best 20 read whole.
        watch.Restart();
        var listed = store.Summarise("1002:73df", best: 20);
        var counted = ReportQuery.From(listed);
        listedTimes.Add(watch.Elapsed);

        // After, what 'doctor' and 'report query' (no --gpu) say for a GPU of this host: closeness counted in SQL too.
        watch.Restart();
        var known = store.Summarise("1002:73df", host, best: 1);
        var summary = CatalogKnowledge.For(host, known.Groups);
        knownTimes.Add(watch.Elapsed);
        found = listed.Attempts;
        same &= CatalogKnowledgeText.Summary(summary) == CatalogKnowledgeText.Summary(knowledge)
            && CatalogKnowledgeText.Features(summary).SequenceEqual(CatalogKnowledgeText.Features(knowledge))
            && counted.Reports.Select(r => r.Id).SequenceEqual(query.Reports.Take(20).Select(r => r.Id))
            && counted.Differences.Count == query.Differences.Count;

        // What every command pays first: opening the database.
        watch.Restart();
        ReportStore.Open(db).Dispose();
        opens.Add(watch.Elapsed);
    }

    Report($"query one GPU ({found} of {store.Count()} reports), before: read all + rank + knowledge, median of 7", before.Order().ElementAt(3));
    Report("after: report query --gpu (counts in SQL, best 20 read), median of 7", listedTimes.Order().ElementAt(3));
    Report("after: knowledge for doctor / report query (closeness counted in SQL), median of 7", knownTimes.Order().ElementAt(3));
    Report("open the database, median of 7", opens.Order().ElementAt(3));
    Console.WriteLine(same ? "before and after give the same counts, features and best reports" : "MISMATCH: before and after differ");
}
finally
{
    // git may still be packing in the background: a folder it removes meanwhile is no reason to fail.
    for (var attempt = 0; attempt < 5 && Directory.Exists(work); attempt++)
    {
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
            Thread.Sleep(1000);
        }
    }
}

static void Report(string what, TimeSpan time) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-70} {time.TotalMilliseconds,10:0} ms"));
