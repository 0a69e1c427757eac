using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lodge.Linux.Handoff;
using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.Web.Tests;

/// <summary>Start on a machine that hands its GPU over: the dashboard starts the handoff's supervisor (as <c>lodge up</c>
/// does), shows the handoff's steps as the supervisor logs them, and the handoff goes on after <c>lodge serve</c> dies.</summary>
public sealed partial class HandoffDashboardSpecs(HandoffDashboardFixture fixture) : IClassFixture<HandoffDashboardFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_start_a_handoff_guest_from_the_dashboard_see_its_steps_live_and_it_outlives_lodge_serve()
    {
        // Arrange
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.BaseUrl), Timeout = Patience.Event };
        await client.GetAsync(fixture.LoginUrl);
        var csrf = CsrfMeta().Match(await client.GetStringAsync("/host")).Groups[1].Value;

        // Act: Start, follow the action to its end, then kill the server
        using var start = new HttpRequestMessage(HttpMethod.Post, "/api/guests/gpu1/start") { Content = new FormUrlEncodedContent([]) };
        start.Headers.Add("X-Lodge-Csrf", csrf);
        var started = JsonNode.Parse(await (await client.SendAsync(start)).Content.ReadAsStringAsync())!;
        var events = await client.GetStringAsync($"/api/actions/{(string?)started["id"]}");
        await fixture.KillServerAsync();
        var running = fixture.Phase();

        // ... and the guest is stopped later the way 'lodge down' or 'systemctl stop lodge-gpu1' ask
        _ = await HostProcesses.Runner.RunAsync("kill", ["-TERM", running!["pid"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        var limit = DateTime.UtcNow + Patience.Event;
        while (fixture.Phase()?["phase"]?.GetValue<string>() != "ended" && DateTime.UtcNow < limit)
        {
            await Task.Delay(100);
        }

        // Assert: the handoff's own steps came as lines while it ran; it ran on without the server and gave everything back
        Assert.Contains("event: line\ndata: Probe '0000:06:00.0': driver none -> 'vfio-pci'.", events, StringComparison.Ordinal);
        Assert.Contains("event: line\ndata: 'gpu1' runs with the GPU (supervisor pid", events, StringComparison.Ordinal);
        Assert.Contains("event: end\ndata: {\"exitCode\":0,", events, StringComparison.Ordinal);
        Assert.Equal("running", running["phase"]!.GetValue<string>());
        Assert.Equal(0, fixture.Phase()!["exitCode"]!.GetValue<int>());
        var log = File.ReadAllText(Path.Combine(fixture.RunRoot, "gpu1", "handoff.log"));
        Assert.Contains("'0000:06:00.0' is back with the host; the host is as it was before 'gpu1' started.", log, StringComparison.Ordinal);
        Assert.True(new HandoffJournal(Path.Combine(fixture.StateRoot, "handoff.journal")).IsClean, log);
    }

    [GeneratedRegex("<meta name=\"csrf\" content=\"([0-9a-f]+)\">")]
    private static partial Regex CsrfMeta();
}
