using System.Net;
using System.Text.RegularExpressions;
using Lodge.Testing;

namespace Lodge.Web.Tests;

/// <summary>Who gets in: the token file, the login, and every POST route refused (and changing nothing) without the
/// session cookie, with a wrong token, or without the anti-forgery token.</summary>
public sealed partial class AuthSpecs(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    // Every route that changes state, with the form a real page would send.
    public static readonly TheoryData<string> PostRoutes =
    [
        "/logout", "/api/guests/web1/start", "/api/guests/web1/shutdown", "/api/guests/web1/force-off",
        "/api/guests/web1/usb/attach", "/api/guests/web1/usb/detach", "/api/guests/web1/rate", "/api/guests/web1/switch",
        "/api/guests/web1/switch?force=1", "/api/rescue", "/api/reports/import",
    ];

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task The_token_file_is_readable_by_its_owner_only_and_the_login_url_carries_it()
    {
        // Arrange
        var path = Path.Combine(fixture.StateRoot, "dashboard.token");

        // Act
        var mode = OperatingSystem.IsLinux() ? File.GetUnixFileMode(path) : UnixFileMode.None;
        var token = (await File.ReadAllTextAsync(path)).Trim();

        // Assert
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.Equal(64, token.Length);
        Assert.Equal($"{fixture.BaseUrl}/login?token={token}", fixture.LoginUrl);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task Without_a_session_every_page_and_api_is_401_even_on_loopback_and_a_wrong_token_logs_nobody_in()
    {
        // Arrange
        using var client = NewClient(out var cookies);

        // Act
        var page = await client.GetAsync("/");
        var api = await client.GetAsync("/api/status");
        var wrong = await client.GetAsync("/login?token=" + new string('0', 64));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Empty(cookies.GetCookies(new Uri(fixture.BaseUrl)));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task The_login_sets_an_httponly_samesite_strict_cookie()
    {
        // Arrange
        using var client = NewClient(out _);

        // Act
        var login = await client.GetAsync(fixture.LoginUrl);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("lodge_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory(Timeout = Patience.TestMilliseconds)]
    [MemberData(nameof(PostRoutes))]
    public async Task A_post_without_the_cookie_with_a_wrong_token_or_without_the_anti_forgery_token_is_refused_and_changes_nothing(string route)
    {
        // Arrange: a logged-in session (with its real anti-forgery token, from a page) and a stranger
        using var stranger = NewClient(out _);
        using var user = NewClient(out _);
        Assert.Equal(HttpStatusCode.Redirect, (await user.GetAsync(fixture.LoginUrl)).StatusCode);
        var csrf = CsrfMeta().Match(await user.GetStringAsync("/host")).Groups[1].Value;
        Assert.Equal(64, csrf.Length);
        var before = Snapshot();

        // Act
        var noCookie = await stranger.SendAsync(Post(route, csrf));
        var wrongToken = await NewClient(out _).GetAsync("/login?token=" + new string('f', 64));
        var wrongTokenPost = await stranger.SendAsync(Post(route, csrf));
        var noCsrf = await user.SendAsync(Post(route, null));
        var wrongCsrf = await user.SendAsync(Post(route, new string('a', 64)));
        var stillLoggedIn = await user.GetAsync("/api/journal");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, noCookie.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongTokenPost.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, noCsrf.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongCsrf.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillLoggedIn.StatusCode); // /logout refused: the session lives on
        await Task.Delay(1000); // an action wrongly started would have written its files by now
        Assert.Equal(before, Snapshot());
        Assert.Empty(await fixture.GuestsAsync());
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task With_the_cookie_and_the_anti_forgery_token_a_post_reaches_lodge_and_its_error_comes_back_as_one_sentence_with_the_fix()
    {
        // Arrange
        using var user = NewClient(out _);
        await user.GetAsync(fixture.LoginUrl);
        var csrf = CsrfMeta().Match(await user.GetStringAsync("/host")).Groups[1].Value;

        // Act: the guest is not running, so lodge itself refuses the attach
        var attach = await user.SendAsync(Post("/api/guests/web1/usb/attach", csrf));
        var body = await attach.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, attach.StatusCode);
        Assert.Equal("Guest 'web1' is not running.", (string?)System.Text.Json.Nodes.JsonNode.Parse(body)!["error"]);
    }

    private HttpClient NewClient(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.BaseUrl) };
    }

    private static HttpRequestMessage Post(string route, string? csrf)
    {
        var fields = new Dictionary<string, string> { ["device"] = "emulated:usb-kbd", ["verdict"] = "good", ["note"] = "forged" };
        var request = new HttpRequestMessage(HttpMethod.Post, route);
        if (route.EndsWith("/import", StringComparison.Ordinal))
        {
            var form = new MultipartFormDataContent { { new StringContent("{}"), "file", "forged.json" } };
            request.Content = form;
        }
        else
        {
            request.Content = new FormUrlEncodedContent(fields);
        }

        if (csrf is not null)
        {
            request.Headers.Add("X-Lodge-Csrf", csrf);
        }

        return request;
    }

    // Every file below the run and state folders and the reports database, with its size and time.
    private string Snapshot() => string.Join('\n', new[] { fixture.RunRoot, fixture.StateRoot }.Where(Directory.Exists)
        .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
        .Append(fixture.ReportsDb).Where(File.Exists)
        .Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}").Order(StringComparer.Ordinal));

    [GeneratedRegex("<meta name=\"csrf\" content=\"([0-9a-f]+)\">")]
    private static partial Regex CsrfMeta();
}
