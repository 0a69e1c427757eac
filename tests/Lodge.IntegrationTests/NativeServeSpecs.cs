using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary><c>lodge serve</c> of the binary Lodge ships (NativeAOT, trimmed), which the Web.Tests' JIT build cannot stand
/// for: the gate, the login, the pages, every <c>/api/</c> document against the same binary's <c>--json</c>, and SIGTERM.</summary>
public sealed partial class NativeServeSpecs(NativeServeFixture fixture) : IClassFixture<NativeServeFixture>
{
    public static readonly TheoryData<string, string[]> Documents = new()
    {
        { "/api/devices", ["devices", "--json"] },
        { "/api/doctor", ["doctor", "--json"] },
        { "/api/status", ["status", "--json"] },
        { "/api/guests/gpu1/plan", ["plan", "gpu1", "--json"] },
        { "/api/reports", ["report", "list", "--json"] },
        { "/api/reports/query?gpu=1002:73df", ["report", "query", "--gpu", "1002:73df", "--json"] },
        { "/api/reports/query", ["report", "query", "--json"] },
    };

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task Without_the_cookie_every_page_and_api_is_401_and_the_login_wants_the_token()
    {
        // Arrange
        using var client = NewClient(out var cookies);

        // Act
        var page = await client.GetAsync("/");
        var api = await client.GetAsync("/api/status");
        var noToken = await client.GetAsync("/login");
        var wrongToken = await client.GetAsync("/login?token=" + new string('0', 64));

        // Assert: lodge's sentence and its fix, as JSON, and no session for anyone
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        var refused = JsonNode.Parse(await page.Content.ReadAsStringAsync())!;
        Assert.Equal("You are not logged in to the Lodge dashboard.", (string?)refused["error"]);
        Assert.Equal("Open the link that 'lodge serve --print-url' prints on the host.", (string?)refused["hint"]);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal("That login link has a wrong or missing token.", (string?)JsonNode.Parse(await noToken.Content.ReadAsStringAsync())!["error"]);
        Assert.Empty(cookies.GetCookies(new Uri(fixture.BaseUrl)));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task The_login_with_the_token_sets_the_session_cookie_and_a_post_still_needs_the_anti_forgery_token()
    {
        // Arrange
        using var client = NewClient(out var cookies);
        var token = (await File.ReadAllTextAsync(Path.Combine(fixture.StateRoot, "dashboard.token"))).Trim();

        // Act
        var login = await client.GetAsync(fixture.LoginUrl);
        var home = await client.GetAsync("/");
        var noCsrf = await client.PostAsync("/api/rescue", new FormUrlEncodedContent([]));

        // Assert
        Assert.Equal($"{fixture.BaseUrl}/login?token={token}", fixture.LoginUrl);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("lodge_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Single(cookies.GetCookies(new Uri(fixture.BaseUrl)));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, noCsrf.StatusCode);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task Every_page_renders_what_the_same_binarys_cli_says()
    {
        // Arrange
        using var client = await LoggedInAsync();
        var doctor = JsonNode.Parse((await fixture.RunAsync("doctor", "--json")).StandardOutput)!;
        var devices = JsonNode.Parse((await fixture.RunAsync("devices", "--json")).StandardOutput)!["devices"]!.AsArray();
        var plan = JsonNode.Parse((await fixture.RunAsync("plan", "gpu1", "--json")).StandardOutput)!;

        // Act
        var guests = await PageAsync(client, "/");
        var host = await PageAsync(client, "/host");
        var guest = await PageAsync(client, "/guests/gpu1");
        var reports = await PageAsync(client, "/reports");
        var css = await client.GetAsync("/static/dashboard.css");
        var js = await client.GetAsync("/static/dashboard.js");

        // Assert: each page has its anti-forgery token and what the CLI's documents hold
        Assert.All(new[] { guests, host, guest, reports }, p => Assert.Matches(CsrfMeta(), p));
        Assert.Contains("<h1>Guests</h1>", guests, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/guests/gpu1\">gpu1</a>", guests, StringComparison.Ordinal);
        Assert.Contains($"<p id=\"verdict\" class=\"verdict\">{WebUtility.HtmlEncode((string?)doctor["verdict"])}</p>", host, StringComparison.Ordinal);
        Assert.NotEmpty(devices);
        Assert.All(devices, d => Assert.Contains($"<td>{(string?)d!["address"]}</td>", host, StringComparison.Ordinal));
        var decisions = plan["decisions"]!.AsArray();
        Assert.NotEmpty(decisions);
        var table = PlanTable().Match(guest);
        Assert.True(table.Success, guest);
        Assert.Equal(decisions.Count + 1, Regex.Count(table.Value, "<tr>"));
        Assert.Contains("(imported)", reports, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.NotEmpty(await css.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.NotEmpty(await js.Content.ReadAsByteArrayAsync());
    }

    [Theory(Timeout = Patience.TestMilliseconds)]
    [MemberData(nameof(Documents))]
    public async Task Every_api_document_is_what_the_same_binary_prints_with_json(string route, string[] command)
    {
        // Arrange: a session; the CLI asked once first (what it caches, it caches for both)
        using var client = await LoggedInAsync();
        _ = await fixture.RunAsync(command);

        // Act
        var api = await client.GetAsync(route);
        var cli = await fixture.RunAsync(command);

        // Assert
        var body = await api.Content.ReadAsStringAsync();
        Assert.True(api.StatusCode == HttpStatusCode.OK, body);
        Assert.True(cli.ExitCode == 0, cli.StandardError);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(cli.StandardOutput), JsonNode.Parse(body)), $"{route}:\n{body}\n--- lodge {string.Join(' ', command)}:\n{cli.StandardOutput}");
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task The_apis_without_a_cli_twin_answer_too()
    {
        // Arrange
        using var client = await LoggedInAsync();
        var status = JsonNode.Parse((await fixture.RunAsync("status", "--json")).StandardOutput);
        var reports = JsonNode.Parse((await fixture.RunAsync("report", "list", "--json")).StandardOutput)!["reports"]!.AsArray();

        // Act
        var machines = JsonNode.Parse(await client.GetStringAsync("/api/machines"))!.AsArray();
        var journal = JsonNode.Parse(await client.GetStringAsync("/api/journal"))!;
        var usb = JsonNode.Parse(await client.GetStringAsync("/api/usb"));
        var export = JsonNode.Parse(await client.GetStringAsync("/api/reports/export"))!;
        var events = await FirstEventAsync(client, "/api/events");

        // Assert
        Assert.Equal(new[] { "gpu1" }, machines.Select(m => (string?)m).ToArray());
        Assert.Equal("missing", (string?)journal["status"]);
        Assert.True((bool)journal["clean"]!);
        Assert.IsType<JsonArray>(usb);
        Assert.Equal(reports.Count, export["reports"]!.AsArray().Count);
        Assert.Equal("status", events.Name);
        Assert.True(JsonNode.DeepEquals(status, JsonNode.Parse(events.Data)), events.Data);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task Lodge_serve_stops_cleanly_on_SIGTERM()
    {
        // Arrange: a second server of the same binary, in use
        var port = FreePort();
        var log = Path.Combine(fixture.Root, "serve-sigterm.log");
        var server = await fixture.StartServeAsync(port, log);
        using var client = NewClient(out _, port);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(fixture.LoginUrl.Replace($":{fixture.Port}/", $":{port}/", StringComparison.Ordinal))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/status")).StatusCode);

        // Act
        var clock = System.Diagnostics.Stopwatch.StartNew();
        server.Signal(15);
        var exit = await server.Exited.WaitAsync(Patience.Event);

        // Assert: exit code 0, its one line and nothing else (no stack trace), and the port is closed
        var output = await File.ReadAllTextAsync(log);
        Console.WriteLine($"The native 'lodge serve' exited {clock.Elapsed.TotalSeconds:0.0} s after SIGTERM.");
        Assert.True(exit.ExitCode == 0, $"exit {exit.ExitCode}, signal {exit.Signal}:\n{output}");
        Assert.Equal($"Lodge dashboard on http://127.0.0.1:{port}/ ; 'lodge serve --print-url' prints the login link. Ctrl-C stops it.", output.Trim());
        using var probe = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
    }

    private HttpClient NewClient(out CookieContainer cookies, int? port = null)
    {
        cookies = new CookieContainer();
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port ?? fixture.Port}"),
            Timeout = Patience.Event,
        };
    }

    private async Task<HttpClient> LoggedInAsync()
    {
        var client = NewClient(out _);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(fixture.LoginUrl)).StatusCode);
        return client;
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}\n{body}");
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return body;
    }

    // The first Server-Sent Event of a stream: its name and its data lines joined.
    private static async Task<(string Name, string Data)> FirstEventAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? name = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync().WaitAsync(Patience.Event) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line["data: ".Length..]);
            }
            else if (line.Length == 0 && name is not null)
            {
                return (name, string.Join('\n', data));
            }
        }

        throw new InvalidOperationException($"{path} ended before its first event.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("<meta name=\"csrf\" content=\"[0-9a-f]{64}\">")]
    private static partial Regex CsrfMeta();

    [GeneratedRegex("<table id=\"plan\">.*?</table>", RegexOptions.Singleline)]
    private static partial Regex PlanTable();
}
