using Lodge.Testing;
using Microsoft.Playwright;

namespace Lodge.Web.Tests;

/// <summary>The dashboard in the system Chromium: login with the token, the Host page, a guest started under TCG whose state
/// changes on the page without a reload, a USB device attached, the serial console read and typed into, the ACPI
/// shutdown's failure shown as lodge's sentence and fix, and a confirmed force-off. Screenshots go to .build/test-artifacts/.</summary>
public sealed class BrowserSpecs(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string Artifacts = Path.Combine(RepoPaths.Root, ".build", "test-artifacts", "dashboard");

    private static readonly float Wait = (float)Patience.Event.TotalMilliseconds;

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_log_in_see_the_host_start_a_guest_watch_it_run_attach_usb_use_its_console_and_power_it_off()
    {
        // Arrange
        Assert.True(File.Exists(Chromium), "The system Chromium is missing: apt-get install chromium (run-tests installs it as root).");
        Directory.CreateDirectory(Artifacts);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1000, Height = 900 } });
        page.SetDefaultTimeout(Wait);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();

        // Act + Assert: login, then the Host page
        await page.GotoAsync(fixture.LoginUrl);
        Assert.EndsWith("/", page.Url, StringComparison.Ordinal);
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "lodge_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        await page.GotoAsync(fixture.BaseUrl + "/host");
        var verdict = await page.Locator("#verdict").InnerTextAsync();
        var doctor = System.Text.Json.Nodes.JsonNode.Parse((await fixture.RunAsync("doctor", "--json")).StandardOutput)!;
        Assert.Equal((string?)doctor["verdict"], verdict);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "host.png"), FullPage = true });

        // The Guests page: web1 is stopped; Start runs 'lodge up web1 --detach --tcg' and its lines appear as printed
        await page.GotoAsync(fixture.BaseUrl + "/");
        var card = page.Locator("section[data-guest=web1]");
        await Assertions.Expect(card.Locator("[data-field=phase]")).ToHaveTextAsync("stopped");
        await card.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
        await Assertions.Expect(page.Locator("#progress")).ToContainTextAsync("Guest web1 is running", new() { Timeout = Wait });
        await Assertions.Expect(card.Locator("[data-field=phase]")).ToHaveTextAsync("running", new() { Timeout = Wait });
        Assert.Equal("running", (string?)(await fixture.GuestsAsync())[0]!["phase"]);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "guests.png"), FullPage = true });

        // The Guest page: plan, USB attach from the host's list, the console, the logs
        await page.GotoAsync(fixture.BaseUrl + "/guests/web1");
        await Assertions.Expect(page.Locator("#plan")).ToBeVisibleAsync();
        await page.Locator("#usb-device").SelectOptionAsync("emulated:usb-kbd");
        await page.GetByRole(AriaRole.Button, new() { Name = "Attach" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-field=usb]")).ToContainTextAsync("usb-emulated-usb-kbd", new() { Timeout = Wait });
        var usb = (await fixture.GuestsAsync())[0]!["usb"]!.AsArray().Select(x => (string?)x).ToList();
        Assert.Contains(usb, u => u!.Contains("usb-emulated-usb-kbd", StringComparison.Ordinal));

        await Assertions.Expect(page.Locator("#console")).ToHaveAttributeAsync("data-connected", "true", new() { Timeout = Wait });
        await page.Locator("#console .xterm").ClickAsync();
        await page.Keyboard.TypeAsync("hello-from-chromium");
        await Assertions.Expect(page.Locator("#console .xterm-rows")).ToContainTextAsync("hello-from-chromium", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("#logs")).ToContainTextAsync("Supervising 'web1'", new() { Timeout = Wait });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "guest.png"), FullPage = true });

        // Shut down (ACPI): the boot sector ignores the power button, so lodge's own error and fix come back
        await page.GotoAsync(fixture.BaseUrl + "/");
        await card.GetByRole(AriaRole.Button, new() { Name = "Shut down" }).ClickAsync();
        await Assertions.Expect(page.Locator("#progress .error")).ToContainTextAsync("web1", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("#progress .hint")).Not.ToBeEmptyAsync();
        Assert.Equal("running", (string?)(await fixture.GuestsAsync())[0]!["phase"]);

        // Force off, confirmed in the dialog: the page shows it stopped, without a reload
        await card.GetByRole(AriaRole.Button, new() { Name = "Force off" }).ClickAsync();
        await Assertions.Expect(card.Locator("[data-field=phase]")).ToHaveTextAsync("stopped", new() { Timeout = Wait });
        Assert.Empty(await fixture.GuestsAsync());

        await page.GotoAsync(fixture.BaseUrl + "/reports");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "reports.png"), FullPage = true });
    }
}
