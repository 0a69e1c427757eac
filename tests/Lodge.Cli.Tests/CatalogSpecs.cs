using System.Diagnostics;
using Lodge.Core.Catalog;
using Lodge.Core.Machines;
using Lodge.Core.Reports;
using Lodge.Linux;
using Lodge.Linux.Reports;
using Lodge.Linux.Simulation;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>The community catalog with real git against local bare repositories: publish, pull, duplicates, hostile
/// files, a 10,000-report catalog pulled incrementally, the static site in Chromium.</summary>
public sealed class CatalogSpecs : IDisposable
{
    private static readonly string[] Planted =
    [
        "C0DFBBA45126", "3f1b2c4d", "aa:bb:cc:dd:ee:ff", "secret-host", "bob", "Bob", "Hidden", "/home/bob", "192.168.1.23",
        "bobs-gaming-vm", "office-pc",
    ];

    private readonly TreeCopy _work = new();

    public void Dispose() => _work.Dispose();

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_work.Root, name)).FullName;

    private string Bare(string name = "catalog.git")
    {
        var dir = Path.Combine(_work.Root, name);
        Git(null, "init", "--quiet", "--bare", "-b", "main", dir);
        return dir;
    }

    /// <summary>Runs git for the test's own inspection, isolated from any user configuration.</summary>
    internal static string Git(string? dir, params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (dir is not null)
        {
            info.ArgumentList.Add("-C");
            info.ArgumentList.Add(dir);
        }

        foreach (var a in new[] { "-c", "user.name=test", "-c", "user.email=test@test.invalid" }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)} failed: {stderr}");
        return stdout.Result;
    }

    private static OutcomeReport Attempt(string root, string machineName, bool works, string? error = null, GpuMode mode = GpuMode.Handoff)
    {
        var host = new SysfsScanner(new HostRoot(root)).Scan();
        var gpu = host.PciDevices.First(d => d.Class is { IsGpu: true });
        var machine = new MachineConfig(machineName, $"/etc/lodge/machines/{machineName}.toml") { Os = GuestOs.Windows11, Gpu = new GpuConfig("auto", mode) };
        return ReportFactory.Create(host, machine, gpu, new ReportResult(true, works, works, works ? null : "start-guest", error), new DateTimeOffset(2026, 11, 27, 10, 30, 0, TimeSpan.Zero));
    }

    private static TreeCopy PlantedHost()
    {
        var tree = new TreeCopy(RepoPaths.Host("EADE3920D9"));
        void Plant(string path, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(tree.Root + path)!);
            File.WriteAllText(tree.Root + path, text);
        }

        Plant("/sys/class/dmi/id/board_vendor", "Gigabyte Technology Co., Ltd.\n");
        Plant("/sys/class/dmi/id/board_name", "B550M AORUS PRO-P secret-host\n");
        Plant("/sys/class/dmi/id/product_serial", "C0DFBBA45126\n");
        Plant("/sys/class/dmi/id/product_uuid", "3f1b2c4d-1111-2222-3333-444455556666\n");
        Plant("/etc/hostname", "secret-host\n");
        Plant("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nbob:x:1000:1000:Bob Hidden,,,:/home/bob:/bin/bash\n");
        return tree;
    }

    private static IReadOnlyList<string> ReportFiles(string bare) =>
        Git(bare, "ls-tree", "-r", "--name-only", "main").Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(p => p.StartsWith("gpu/", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Two_hosts_publish_and_pull_each_others_reports_and_nothing_identifying_leaves()
    {
        // Arrange: host A (identities planted) with two attempts, host B with one, an empty bare catalog
        using var hostA = PlantedHost();
        var hostB = RepoPaths.Host("GH-64k-B550MMortar");
        var dbA = Path.Combine(Dir("a"), "reports.db");
        var dbB = Path.Combine(Dir("b"), "reports.db");
        var bare = Bare();
        using (var a = ReportStore.Open(dbA))
        {
            a.Add(Attempt(hostA.Root, "bobs-gaming-vm", works: false,
                error: "qemu: could not open /home/bob/vms/win.qcow2 on secret-host (192.168.1.23) nic aa:bb:cc:dd:ee:ff serial C0DFBBA45126 user bob; Guest 'bobs-gaming-vm' crashed"));
            a.Add(Attempt(hostA.Root, "office-pc", works: true, mode: GpuMode.Dedicated));
            a.RateLatest("bobs-gaming-vm", new ReportRating(false, "Bob Hidden says: black screen on secret-host"));
        }

        using (var b = ReportStore.Open(dbB))
        {
            b.Add(Attempt(hostB, "win", works: true));
        }

        // Act
        var publishA = CliRun.Run("report", "publish", "--catalog", bare, "--yes", "--reports-db", dbA, "--root", hostA.Root);
        var publishB = CliRun.Run("report", "publish", "--catalog", bare, "--yes", "--reports-db", dbB, "--root", hostB);
        var pullA = CliRun.Run("report", "pull", "--catalog", bare, "--reports-db", dbA);
        var pullB = CliRun.Run("report", "pull", "--catalog", bare, "--reports-db", dbB);
        var pullAgain = CliRun.Run("report", "pull", "--catalog", bare, "--reports-db", dbA);

        // Assert: each saw exactly what left, the catalog holds three files and an index, each host got the other's
        Assert.True(publishA.ExitCode == 0, publishA.Console + publishA.Error);
        Assert.Contains("These 2 file(s) will leave this machine", publishA.Out);
        Assert.Contains("Published 2 report(s)", publishA.Console);
        Assert.True(publishB.ExitCode == 0, publishB.Console + publishB.Error);
        Assert.Contains("Published 1 report(s)", publishB.Console);
        Assert.Equal(3, ReportFiles(bare).Count);
        Assert.Contains("\"reports\": 3", Git(bare, "show", "main:index.json"));
        Assert.Contains("Lodge outcome catalog", Git(bare, "show", "main:README.md"));
        Assert.Contains("1 new report(s)", pullA.Console);
        Assert.Contains("2 new report(s)", pullB.Console);
        Assert.Contains("0 new report(s)", pullAgain.Console);
        using (var a = ReportStore.Open(dbA))
        {
            var imported = Assert.Single(a.All(), r => r.Origin == "imported");
            Assert.Equal(bare, imported.Source);
            Assert.Equal("10de:128b", imported.Hardware.Gpu![..9]);
        }

        using (var b = ReportStore.Open(dbB))
        {
            Assert.Equal(3, b.All().Count);
            Assert.Equal(2, b.All().Count(r => r.Source == bare));
        }

        // Assert: no planted identity in any published file, nor in the commits' names, e-mails and dates
        var published = string.Concat(ReportFiles(bare).Select(f => Git(bare, "show", $"main:{f}")));
        var commits = Git(bare, "log", "--format=%an|%ae|%cn|%ce|%ad|%cd|%s", "--date=iso", "main");
        foreach (var planted in Planted)
        {
            Assert.DoesNotContain(planted, published);
            Assert.DoesNotContain(planted, commits);
            Assert.DoesNotContain(planted, publishA.Out);
        }

        Assert.All(commits.Split('\n', StringSplitOptions.RemoveEmptyEntries), c => Assert.StartsWith("lodge|lodge@lodge.invalid|lodge|lodge@lodge.invalid|2026-11-27 00:00:00 +0000|2026-11-27 00:00:00 +0000|", c));
        Assert.Contains("\"gpu\": \"1002:73df", published);
    }

    [Fact]
    public void The_same_report_published_twice_or_from_two_databases_is_one_file()
    {
        // Arrange: one attempt stored in two databases
        var bare = Bare();
        var host = RepoPaths.Host("EADE3920D9");
        var db1 = Path.Combine(Dir("one"), "reports.db");
        var db2 = Path.Combine(Dir("two"), "reports.db");
        foreach (var db in new[] { db1, db2 })
        {
            using var s = ReportStore.Open(db);
            s.Add(Attempt(host, "win", works: true));
        }

        // Act
        var first = CliRun.Run("report", "publish", "--catalog", bare, "--yes", "--reports-db", db1, "--root", host);
        var again = CliRun.Run("report", "publish", "--catalog", bare, "--yes", "--reports-db", db1, "--root", host);
        var other = CliRun.Run("report", "publish", "--catalog", bare, "--yes", "--reports-db", db2, "--root", host);

        // Assert
        Assert.Contains("Published 1 report(s)", first.Console);
        Assert.Contains("already holds all 1 report(s)", again.Console);
        Assert.Contains("already holds all 1 report(s)", other.Console);
        Assert.Single(ReportFiles(bare));
        Assert.Single(Git(bare, "log", "--format=%H", "main").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Without_confirmation_nothing_leaves_the_machine()
    {
        var bare = Bare();
        var host = RepoPaths.Host("EADE3920D9");
        var db = Path.Combine(Dir("one"), "reports.db");
        using (var s = ReportStore.Open(db))
        {
            s.Add(Attempt(host, "win", works: true));
        }

        var result = CliRun.RunWithInput("n\n", "report", "publish", "--catalog", bare, "--reports-db", db, "--root", host);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"format\": \"lodge-report\"", result.Out);
        Assert.Contains("Nothing was published.", result.Console);
        Assert.Empty(Git(bare, "for-each-ref"));
    }

    [Fact]
    public void A_push_the_catalog_refuses_leaves_a_branch_and_the_command_to_offer_it()
    {
        // Arrange: a catalog that rejects every push (a pre-receive hook), as a read-only mirror would
        var bare = Bare();
        var host = RepoPaths.Host("EADE3920D9");
        File.WriteAllText(Path.Combine(bare, "hooks", "pre-receive"), "#!/bin/sh\necho 'pushes are reviewed: open a merge request' >&2\nexit 1\n");
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(Path.Combine(bare, "hooks", "pre-receive"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var db = Path.Combine(Dir("one"), "reports.db");
        using (var s = ReportStore.Open(db))
        {
            s.Add(Attempt(host, "win", works: true));
        }

        var result = CliRun.Run("report", "publish", "--catalog", bare, "--yes", "--reports-db", db, "--root", host);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("did not accept the push", result.Console);
        Assert.Contains("push <YOUR-FORK-URL> lodge/publish-", result.Out);
        Assert.Empty(Git(bare, "for-each-ref"));
    }

    [Fact]
    public void Hostile_catalog_files_are_refused_one_by_one_and_the_rest_imported()
    {
        // Arrange: a catalog (a plain clone folder, pulled offline) with one good report and many bad files
        var repo = Dir("hostile");
        Git(repo, "init", "--quiet", "-b", "main");
        var good = SyntheticCatalog.Write(repo, 0, 1)[0];
        void Put(string relative, string text)
        {
            var path = Path.Combine(repo, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        string Named(string text) => $"gpu/1002-73df/{CatalogId.OfDocument(text)}.json";
        var valid = good.Document;
        var wrongType = valid.Replace("\"started\": true", "\"started\": \"yes\"", StringComparison.Ordinal);
        var unknownField = valid.Replace("\"origin\": \"local\",", "\"origin\": \"local\", \"extra\": \"x\",", StringComparison.Ordinal);
        var deep = valid.Replace("\"features\": {", "\"features\": {\"x\": " + string.Concat(Enumerable.Repeat("{\"a\": ", 40)) + "1" + new string('}', 40) + ",", StringComparison.Ordinal);
        var huge = valid.Replace("\"version\": 1", "\"version\": 1e400", StringComparison.Ordinal);
        var major = valid.Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal);
        var identifying = CatalogId.Document(SyntheticCatalog.Report(0) with { Result = new ReportResult(true, false, false, "start-guest", "nic aa:bb:cc:dd:ee:ff on /home/alice/vm") });
        var oversized = valid.Replace("\"cpuModel\": \"", "\"cpuModel\": \"" + new string('x', 70_000), StringComparison.Ordinal);
        foreach (var text in new[] { wrongType, unknownField, deep, huge, major, identifying, oversized })
        {
            Put(Named(text), text);
        }

        Put($"gpu/1002-73df/sub/{good.Id}.json", valid);
        Put("gpu/1002-73df/$(reboot).json", valid);
        Put($"gpu/10de-2484/{good.Id}.json", valid);
        Put($"gpu/1002-73df/{new string('a', 64)}.json", valid);
        File.CreateSymbolicLink(Path.Combine(repo, "gpu", "1002-73df", new string('b', 64) + ".json"), "/etc/passwd");
        Git(repo, "add", "--all");
        Git(repo, "commit", "--quiet", "-m", "hostile");
        var db = Path.Combine(Dir("db"), "reports.db");

        // Act
        var result = CliRun.Run("report", "pull", "--catalog", repo, "--reports-db", db);

        // Assert: one sentence per refused file, the good one imported
        Assert.True(result.ExitCode == 0, result.Console + result.Error);
        Assert.Contains("1 new report(s)", result.Console);
        Assert.Contains("12 refused", result.Console);
        Assert.Contains($"Refused {Named(wrongType)}: its \"result.started\" is not true or false.", result.Out);
        Assert.Contains($"Refused {Named(unknownField)}: the report has a field the schema does not know (\"extra\").", result.Out);
        Assert.Contains($"Refused {Named(deep)}: it nests deeper than 8 levels.", result.Out);
        Assert.Contains($"Refused {Named(huge)}: its \"version\" is not a small whole number.", result.Out);
        Assert.Contains($"Refused {Named(major)}: it has report format version 2, newer than this lodge reads (1); update lodge to import it.", result.Out);
        Assert.Contains($"Refused {Named(identifying)}: its \"result.error\" carries identifying data", result.Out);
        Assert.Contains($"Refused {Named(oversized)}: it is ", result.Out);
        Assert.Contains($"Refused gpu/1002-73df/sub/{good.Id}.json: its name is not gpu/VVVV-DDDD/<64 hex digits>.json", result.Out);
        Assert.Contains("Refused gpu/1002-73df/$(reboot).json: its name is not", result.Out);
        Assert.Contains($"Refused gpu/10de-2484/{good.Id}.json: its GPU 1002:73df:1eae:6601 does not belong in folder gpu/10de-2484.", result.Out);
        Assert.Contains($"Refused gpu/1002-73df/{new string('a', 64)}.json: its name is not the hash of its content", result.Out);
        Assert.Contains($"Refused gpu/1002-73df/{new string('b', 64)}.json: it is a symbolic link.", result.Out);
        using var store = ReportStore.Open(db);
        Assert.Single(store.All());
    }

    [Fact]
    public void A_catalog_of_ten_thousand_reports_pulls_incrementally()
    {
        // Arrange: 10,000 reports in a bare catalog
        var seed = Dir("seed");
        Git(seed, "init", "--quiet", "-b", "main");
        SyntheticCatalog.Write(seed, 0, 10_000);
        Git(seed, "add", "--all");
        Git(seed, "commit", "--quiet", "-m", "10000 reports");
        var bare = Path.Combine(_work.Root, "big.git");
        Git(null, "clone", "--quiet", "--bare", seed, bare);
        var db = Path.Combine(Dir("db"), "reports.db");

        // Act: a first pull, five more reports published, a second pull
        var first = CliRun.Run("report", "pull", "--catalog", bare, "--reports-db", db);
        SyntheticCatalog.Write(seed, 10_000, 5);
        Git(seed, "add", "--all");
        Git(seed, "commit", "--quiet", "-m", "5 more");
        Git(seed, "push", "--quiet", bare, "main");
        var second = CliRun.Run("report", "pull", "--catalog", bare, "--reports-db", db);
        var query = CliRun.Run("report", "query", "--gpu", "1002:73df", "--reports-db", db);

        // Assert: the second pull read only the five changed files
        Assert.True(first.ExitCode == 0, first.Console + first.Error);
        Assert.Contains("10000 new report(s)", first.Console);
        Assert.Contains("10000 file(s) read.", first.Console);
        Assert.Contains("5 new report(s)", second.Console);
        Assert.Contains("5 file(s) read (changed since the last pull)", second.Console);
        using (var store = ReportStore.Open(db))
        {
            Assert.Equal(10_005, store.Count());
        }

        Assert.Contains("What made the difference: reset-method", query.Console);
    }

    [Fact]
    public void Query_and_doctor_say_what_the_catalog_knows_about_this_hosts_gpu()
    {
        // Arrange: a pulled catalog where the bus reset fails on this host's GPU model
        var seed = Dir("seed");
        Git(seed, "init", "--quiet", "-b", "main");
        SyntheticCatalog.Write(seed, 0, 600);
        Git(seed, "add", "--all");
        Git(seed, "commit", "--quiet", "-m", "reports");
        var db = Path.Combine(Dir("db"), "reports.db");
        CliRun.Run("report", "pull", "--catalog", seed, "--reports-db", db);
        var host = RepoPaths.Host("EADE3920D9");

        // Act
        var query = CliRun.Run("report", "query", "--reports-db", db, "--root", host);
        var doctor = CliRun.Run("doctor", "--reports-db", db, "--root", host);

        // Assert
        Assert.Matches(@"\[1002:73df:1eae:6601\]: \d+ attempt\(s\) known on this GPU \(\d+ good, \d+ bad\); \d+ on this board", query.Console);
        Assert.Contains("What made the difference: reset-method: device_specific:", query.Console);
        Assert.Contains("bus: 0/", query.Console);
        Assert.Contains("attempt(s) known on this GPU", doctor.Console);
    }

    [Fact]
    public void A_machine_started_like_a_catalog_report_is_mapped_onto_this_host_and_check_accepts_it()
    {
        // Arrange: a pulled catalog report that worked with an RTX 3090 (10de:2206), off huge pages and no ROM
        var root = RepoPaths.Host("GH-mathewlear-X670EI");
        var worked = SyntheticCatalog.Report(1) with
        {
            Hardware = SyntheticCatalog.Report(1).Hardware with { Gpu = "10de:2206:1043:87d5", GpuName = "GA102 [GeForce RTX 3090]" },
            Guest = new ReportGuest("windows11", new Dictionary<string, string> { ["gpu-mode"] = "dedicated", ["hugepages"] = "off", ["rom"] = "none", ["reset-method"] = "bus", ["audio-backend"] = "pipewire" }),
            Result = new ReportResult(true, true, null, null, null),
        };
        var seed = Dir("seed");
        Git(seed, "init", "--quiet", "-b", "main");
        var entry = CatalogEntry.For(worked);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(seed, entry.Path))!);
        File.WriteAllText(Path.Combine(seed, entry.Path), entry.Document);
        Git(seed, "add", "--all");
        Git(seed, "commit", "--quiet", "-m", "one");
        var db = Path.Combine(Dir("db"), "reports.db");
        var machines = Dir("machines");
        Assert.Contains("1 new report(s)", CliRun.Run("report", "pull", "--catalog", seed, "--reports-db", db).Console);

        // Act
        var created = CliRun.Run("new", "likeit", "--like", entry.Id[..12], "--root", root, "--config-dir", machines, "--reports-db", db);
        var check = CliRun.Run("check", "likeit", "--root", root, "--config-dir", machines);

        // Assert
        Assert.True(created.ExitCode == 0, created.Console + created.Error);
        var text = File.ReadAllText(Path.Combine(machines, "likeit.toml"));
        Assert.Contains($"# Started from report {entry.Id} (good)", text, StringComparison.Ordinal);
        Assert.Contains("os = \"windows11\"", text, StringComparison.Ordinal);
        Assert.Contains("device = \"10de:2206\"", text, StringComparison.Ordinal);
        Assert.Contains("mode = \"dedicated\"  # as in the report", text, StringComparison.Ordinal);
        Assert.Contains("hugepages = \"off\"  # as in the report", text, StringComparison.Ordinal);
        Assert.Contains("rom = \"none\"  # as in the report", text, StringComparison.Ordinal);
        Assert.Contains("backend = \"pipewire\"  # as in the report", text, StringComparison.Ordinal);
        Assert.True(check.ExitCode == 0, check.Out + check.Error);
        Assert.Contains("valid.", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_static_site_renders_in_chromium()
    {
        // Arrange: a published catalog, cloned
        var bare = Bare();
        var host = RepoPaths.Host("EADE3920D9");
        var db = Path.Combine(Dir("one"), "reports.db");
        using (var s = ReportStore.Open(db))
        {
            s.Add(Attempt(host, "win", works: true));
            s.Add(Attempt(host, "win", works: false, error: "The guest <script>alert(1)</script> did not answer."));
        }

        Assert.Equal(0, CliRun.Run("report", "publish", "--catalog", bare, "--yes", "--reports-db", db, "--root", host).ExitCode);
        var clone = Path.Combine(_work.Root, "clone");
        Git(null, "clone", "--quiet", bare, clone);
        var site = Path.Combine(_work.Root, "site");

        // Act
        var result = CliRun.Run("report", "site", "--catalog", clone, "-o", site);

        // Assert: pages written, no script anywhere (hostile text escaped), and Chromium renders index and a report
        Assert.True(result.ExitCode == 0, result.Console + result.Error);
        var reportPage = Directory.GetFiles(Path.Combine(site, "r"), "*.html").Order(StringComparer.Ordinal).First();
        Assert.All(Directory.GetFiles(site, "*.html", SearchOption.AllDirectories), f => Assert.DoesNotContain("<script", File.ReadAllText(f), StringComparison.OrdinalIgnoreCase));
        Assert.Contains("&lt;script&gt;", File.ReadAllText(Path.Combine(site, "search.html")));
        Assert.Contains("1002:73df", File.ReadAllText(Path.Combine(site, "index.html")));
        var artifacts = Directory.CreateDirectory(Path.Combine(RepoPaths.Root, ".build", "test-artifacts", "catalog-site")).FullName;
        foreach (var (page, shot) in new[] { (Path.Combine(site, "index.html"), "index.png"), (reportPage, "report.png") })
        {
            var png = Path.Combine(artifacts, shot);
            File.Delete(png);
            var dom = Chromium(page, png);
            Assert.True(File.Exists(png) && new FileInfo(png).Length > 2000, $"Chromium wrote no screenshot of {page}.");
            Assert.Contains(page.EndsWith("index.html", StringComparison.Ordinal) ? "By GPU" : "Features", dom);
        }
    }

    // Headless Chromium: a screenshot, then the DOM as rendered (what a reader sees, without JavaScript).
    private static string Chromium(string page, string png)
    {
        string Run(params string[] args)
        {
            var info = new ProcessStartInfo("/usr/bin/chromium") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-javascript", $"--user-data-dir={Path.Combine(Path.GetTempPath(), "lodge-chromium-" + Guid.NewGuid().ToString("N"))}" }.Concat(args))
            {
                info.ArgumentList.Add(a);
            }

            using var p = Process.Start(info)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "Chromium did not finish in 3 minutes.");
            return stdout.Result;
        }

        Run("--window-size=1200,900", $"--screenshot={png}", new Uri(page).AbsoluteUri);
        return Run("--dump-dom", new Uri(page).AbsoluteUri);
    }
}
