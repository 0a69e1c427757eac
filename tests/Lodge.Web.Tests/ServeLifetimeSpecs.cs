using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lodge.Testing;

namespace Lodge.Web.Tests;

/// <summary>A guest started from the dashboard runs under its own supervisor, as <c>lodge up --detach</c> starts it: the
/// action's steps come from the service's events while it runs, and the guest outlives <c>lodge serve</c>.</summary>
public sealed partial class ServeLifetimeSpecs(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task A_guest_started_from_the_dashboard_keeps_running_when_lodge_serve_is_killed()
    {
        // Arrange: a session and its anti-forgery token
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.BaseUrl), Timeout = Patience.Event };
        await client.GetAsync(fixture.LoginUrl);
        var csrf = CsrfMeta().Match(await client.GetStringAsync("/host")).Groups[1].Value;

        // Act: Start, then follow the action's events to its end
        using var start = new HttpRequestMessage(HttpMethod.Post, "/api/guests/web1/start") { Content = new FormUrlEncodedContent([]) };
        start.Headers.Add("X-Lodge-Csrf", csrf);
        var started = JsonNode.Parse(await (await client.SendAsync(start)).Content.ReadAsStringAsync())!;
        var events = await client.GetStringAsync($"/api/actions/{(string?)started["id"]}");
        await fixture.KillServerAsync();
        var guests = await fixture.GuestsAsync();

        // Assert: the steps came as lines, the action ended well, and the guest runs on without the server
        Assert.Equal("lodge up web1 --detach --tcg", (string?)started["title"]);
        Assert.Contains("event: line\ndata: Guest web1 is running (QEMU pid", events, StringComparison.Ordinal);
        Assert.Contains("event: end\ndata: {\"exitCode\":0,", events, StringComparison.Ordinal);
        var web1 = Assert.Single(guests);
        Assert.Equal("running", (string?)web1!["phase"]);
        Assert.True(Directory.Exists($"/proc/{(int)web1["pid"]!}"));
        var reports = JsonNode.Parse((await fixture.RunAsync("report", "list", "--json")).StandardOutput)!["reports"]!.AsArray();
        Assert.Contains(reports, r => (string?)r!["machine"] == "web1");
    }

    [GeneratedRegex("<meta name=\"csrf\" content=\"([0-9a-f]+)\">")]
    private static partial Regex CsrfMeta();
}
