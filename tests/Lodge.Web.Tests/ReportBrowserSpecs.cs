using System.Text.Json.Nodes;
using Lodge.Core.Handoff;
using Lodge.Core.Reports;
using Lodge.Linux.Handoff;
using Lodge.Testing;
using Microsoft.Playwright;

namespace Lodge.Web.Tests;

/// <summary>The dashboard's Rescue button, report import and rating in the system Chromium, each checked against what the
/// CLI then says (the journal, <c>report list --json</c>).</summary>
public sealed class ReportBrowserSpecs(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string Artifacts = Path.Combine(RepoPaths.Root, ".build", "test-artifacts", "dashboard");

    private static readonly float Wait = (float)Patience.Event.TotalMilliseconds;

    private async Task<(IPlaywright Playwright, IBrowser Browser, IPage Page)> OpenAsync()
    {
        Assert.True(File.Exists(Chromium), "The system Chromium is missing: apt-get install chromium (run-tests installs it as root).");
        Directory.CreateDirectory(Artifacts);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1000, Height = 900 } });
        page.SetDefaultTimeout(Wait);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GotoAsync(fixture.LoginUrl);
        return (playwright, browser, page);
    }

    private async Task<JsonArray> ReportsAsync() =>
        JsonNode.Parse((await fixture.RunAsync("report", "list", "--json")).StandardOutput)!["reports"]!.AsArray();

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_rescue_an_unfinished_handoff_from_the_host_page_and_the_journal_ends_clean()
    {
        // Arrange: a journal a killed lodge left pending, whose only applied step has nothing to undo on this machine
        var journal = new HandoffJournal(Path.Combine(fixture.StateRoot, "handoff.journal"));
        Directory.CreateDirectory(fixture.StateRoot);
        journal.Start("web1", "0000:00:00.0");
        journal.Append(new JournalEntry(JournalEntry.Begin, 1, "a step with nothing to undo", HandoffOperation.None, TimeSpan.FromSeconds(5)));
        journal.Append(new JournalEntry(JournalEntry.Done, 1));
        Assert.False(journal.IsClean);
        var (playwright, browser, page) = await OpenAsync();
        using var _ = playwright;
        await using var __ = browser;

        // Act
        await page.GotoAsync(fixture.BaseUrl + "/host");
        await Assertions.Expect(page.Locator("#journal")).ToContainTextAsync("pending");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "host-rescue.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Rescue" }).ClickAsync();
        await Assertions.Expect(page.Locator("#progress .ok")).ToHaveTextAsync("Done.", new() { Timeout = Wait });

        // Assert: the journal is clean, and the page says so without the button
        Assert.True(journal.IsClean);
        await page.GotoAsync(fixture.BaseUrl + "/host");
        await Assertions.Expect(page.Locator("#journal")).ToContainTextAsync("clean");
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Rescue" }).CountAsync());
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_import_a_report_file_and_rate_a_guests_latest_run_from_the_browser()
    {
        // Arrange: a report file made elsewhere, and one real run of web1 under TCG (its outcome is recorded)
        var file = Path.Combine(fixture.Root, "elsewhere.json");
        await File.WriteAllTextAsync(file, ReportJson.Write([SyntheticCatalog.Report(7)]));
        var up = await fixture.RunAsync("up", "web1", "--detach", "--tcg");
        Assert.True(up.ExitCode == 0, up.StandardError);
        var down = await fixture.RunAsync("down", "web1", "--timeout", "1", "--force");
        Assert.True(down.ExitCode == 0, down.StandardError);
        var before = await ReportsAsync();
        var (playwright, browser, page) = await OpenAsync();
        using var _ = playwright;
        await using var __ = browser;

        // Act: import on the Reports page
        await page.GotoAsync(fixture.BaseUrl + "/reports");
        await page.Locator("form.import input[name=file]").SetInputFilesAsync(file);
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Assertions.Expect(page.Locator("#progress .ok")).ToHaveTextAsync("Done.", new() { Timeout = Wait });

        // Assert: one more report, imported, and the page lists it
        var afterImport = await ReportsAsync();
        Assert.Equal(before.Count + 1, afterImport.Count);
        Assert.Single(afterImport, r => (string?)r!["origin"] == "imported");
        await page.GotoAsync(fixture.BaseUrl + "/reports");
        await Assertions.Expect(page.Locator("#reports")).ToContainTextAsync("(imported)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "reports-imported.png"), FullPage = true });

        // Act: rate web1's latest run on its Guest page
        await page.GotoAsync(fixture.BaseUrl + "/guests/web1");
        await page.Locator("form.rate select[name=verdict]").SelectOptionAsync("bad");
        await page.Locator("form.rate input[name=note]").FillAsync("no picture from chromium");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rate the latest run" }).ClickAsync();
        await Assertions.Expect(page.Locator("#progress .ok")).ToHaveTextAsync("Done.", new() { Timeout = Wait });

        // Assert: the database has the rating on web1's latest report, and the page shows it
        var latest = (await ReportsAsync()).Where(r => (string?)r!["machine"] == "web1").OrderBy(r => (long)r!["id"]!).Last()!;
        Assert.False((bool)latest["rating"]!["good"]!);
        Assert.Equal("no picture from chromium", (string?)latest["rating"]!["note"]);
        await page.GotoAsync(fixture.BaseUrl + "/guests/web1");
        await Assertions.Expect(page.Locator("#outcomes")).ToContainTextAsync("bad no picture from chromium");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "guest-rated.png"), FullPage = true });
    }
}
