using System.Net;
using System.Text.Json.Nodes;
using Lodge.Testing;

namespace Lodge.Web.Tests;

/// <summary>The JSON API answers with the CLI's own <c>--json</c> documents: the dashboard calls the same services in
/// process and renders them with the CLI's renderers.</summary>
public sealed class ApiSpecs(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    public static readonly TheoryData<string, string[]> Documents = new()
    {
        { "/api/devices", ["devices", "--json"] },
        { "/api/doctor", ["doctor", "--json"] },
        { "/api/status", ["status", "--json"] },
        { "/api/guests/web1/plan", ["plan", "web1", "--json"] },
        { "/api/reports", ["report", "list", "--json"] },
        { "/api/reports/query?gpu=1002:73df", ["report", "query", "--gpu", "1002:73df", "--json"] },
        { "/api/reports/query", ["report", "query", "--json"] },
    };

    [Theory(Timeout = Patience.TestMilliseconds)]
    [MemberData(nameof(Documents))]
    public async Task Every_api_document_is_what_the_cli_prints_with_json(string route, string[] command)
    {
        // Arrange: a session; the CLI asked once first (doctor's KVM answer is then cached for both)
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.BaseUrl) };
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(fixture.LoginUrl)).StatusCode);
        _ = await fixture.RunAsync(command);

        // Act
        var api = await client.GetAsync(route);
        var cli = await fixture.RunAsync(command);

        // Assert
        var body = await api.Content.ReadAsStringAsync();
        Assert.True(api.StatusCode == HttpStatusCode.OK, body);
        var (expected, actual) = (JsonNode.Parse(cli.StandardOutput), JsonNode.Parse(body));
        if (route == "/api/doctor")
        {
            // Doctor reads live numbers (free memory) between the two calls: the same document, field for field, with
            // the same verdict, sections and checks.
            Assert.Equal(Shape(expected), Shape(actual));
            Assert.Equal((string?)expected!["verdict"], (string?)actual!["verdict"]);
            Assert.Equal(Titles(expected), Titles(actual));
            return;
        }

        Assert.True(JsonNode.DeepEquals(expected, actual), $"{route}:\n{body}\n--- lodge {string.Join(' ', command)}:\n{cli.StandardOutput}");
    }

    // Every field's path and kind, in order.
    private static string Shape(JsonNode? node, string path = "") => node switch
    {
        JsonObject o => string.Concat(o.Select(p => $"{path}.{p.Key}\n" + Shape(p.Value, $"{path}.{p.Key}"))),
        JsonArray a => string.Concat(a.Select((x, i) => Shape(x, $"{path}[{i}]"))),
        null => $"{path}=null\n",
        _ => $"{path}:{node.GetValueKind()}\n",
    };

    private static List<string> Titles(JsonNode? doctor) =>
        [.. doctor!["sections"]!.AsArray().SelectMany(s => new[] { (string)s!["title"]! }.Concat(s["checks"]!.AsArray().Select(c => $"  {(string)c!["title"]!} {(string)c["status"]!}")))];

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task A_plan_of_a_machine_that_does_not_exist_is_lodges_one_sentence_and_its_fix()
    {
        // Arrange
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.BaseUrl) };
        await client.GetAsync(fixture.LoginUrl);
        var cli = await fixture.RunAsync("plan", "nosuch", "--json");

        // Act
        var api = await client.GetAsync("/api/guests/nosuch/plan");
        var error = JsonNode.Parse(await api.Content.ReadAsStringAsync())!;

        // Assert: the same sentence the CLI prints after 'Error: ', and a fix
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Equal(3, cli.ExitCode);
        Assert.Contains($"Error: {(string?)error["error"]}", cli.StandardError, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)error["hint"]));
    }
}
