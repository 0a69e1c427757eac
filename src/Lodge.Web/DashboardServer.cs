using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Lodge.Core.Machines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lodge.Web;

/// <summary><c>lodge serve</c>: builds the web application (slim builder, NativeAOT) with its auth gate, pages and API.
/// Every endpoint runs a lodge command or reads the App layer; none holds logic of its own.</summary>
public sealed class DashboardServer
{
    private readonly DashboardSettings _settings;
    private readonly SessionStore _sessions = new();
    private readonly ActionRegistry _actions;

    /// <summary>Creates the server for <paramref name="settings"/>.</summary>
    public DashboardServer(DashboardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _actions = new ActionRegistry(settings.Commands);
    }

    /// <summary>Builds the application, listening where the settings say.</summary>
    public WebApplication Build()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(_settings.Listen.Address, _settings.Listen.Port));
        var app = builder.Build();
        app.UseWebSockets();
        app.Use(GateAsync);

        app.MapGet("/login", LoginAsync);
        app.MapPost("/logout", LogoutAsync);
        app.MapGet("/static/{**path}", StaticAssets.ServeAsync);

        var pages = new Pages(_settings, _sessions);
        app.MapGet("/", pages.GuestsAsync);
        app.MapGet("/host", pages.HostAsync);
        app.MapGet("/guests/{name}", pages.GuestAsync);
        app.MapGet("/reports", pages.ReportsAsync);

        app.MapGet("/api/devices", c => JsonCommandAsync(c, ["devices", "--json"]));
        app.MapGet("/api/doctor", c => JsonCommandAsync(c, ["doctor", "--json"]));
        app.MapGet("/api/status", c => JsonCommandAsync(c, ["status", "--json"]));
        app.MapGet("/api/guests/{name}/plan", c => WithName(c, name => JsonCommandAsync(c, ["plan", name, "--json"])));
        app.MapGet("/api/machines", MachinesAsync);
        app.MapGet("/api/journal", c => c.Response.WriteAsync(JsonSerializer.Serialize(Journal(_settings), WebJsonContext.Default.JournalJson)));
        app.MapGet("/api/usb", c => WriteJson(c, JsonSerializer.Serialize(HostUsbList.Read(_settings.Host.Root, _settings.TestHooks), WebJsonContext.Default.ListHostUsbDevice)));
        app.MapGet("/api/reports", c => JsonCommandAsync(c, ["report", "list", "--json"]));
        app.MapGet("/api/reports/query", c => JsonCommandAsync(c, c.Request.Query["gpu"].ToString() is { Length: > 0 } gpu ? ["report", "query", "--gpu", gpu, "--json"] : ["report", "query", "--json"]));
        app.MapGet("/api/reports/export", ExportAsync);
        app.MapGet("/api/events", new LiveStatus(_settings).StreamAsync);
        app.MapGet("/api/guests/{name}/logs", c => WithName(c, name => GuestLogs.StreamAsync(c, _settings.Host.Paths.Roots.RunDir(name))));
        app.MapGet("/api/guests/{name}/console", c => WithName(c, name => SerialConsole.BridgeAsync(c, _settings.Host.Paths.Roots, name)));
        app.MapGet("/api/actions/{id}", ActionEventsAsync);

        app.MapPost("/api/guests/{name}/start", c => WithName(c, name => StartAsync(c, ["up", name, "--detach", .. _settings.Tcg ? new[] { "--tcg" } : []])));
        app.MapPost("/api/guests/{name}/shutdown", c => WithName(c, name => StartAsync(c, ["down", name])));
        app.MapPost("/api/guests/{name}/force-off", c => WithName(c, name => StartAsync(c, ["down", name, "--timeout", "1", "--force"])));
        app.MapPost("/api/guests/{name}/usb/attach", c => WithName(c, name => FormCommandAsync(c, "device", device => ["usb", "attach", name, device])));
        app.MapPost("/api/guests/{name}/usb/detach", c => WithName(c, name => FormCommandAsync(c, "device", device => ["usb", "detach", name, device])));
        app.MapPost("/api/guests/{name}/rate", c => WithName(c, name => RateAsync(c, name)));
        app.MapPost("/api/guests/{name}/switch", c => WithName(c, name => StartAsync(c, ["switch", name, .. c.Request.Query["force"] == "1" ? new[] { "--force" } : [], .. _settings.Tcg ? new[] { "--tcg" } : []])));
        app.MapPost("/api/rescue", c => StartAsync(c, ["rescue"]));
        app.MapPost("/api/reports/import", ImportAsync);
        return app;
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> ends it (Ctrl-C, SIGTERM); <paramref name="started"/> runs once
    /// the socket listens.</summary>
    public async Task RunAsync(Action started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(started);
        await using var app = Build();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        started();
        // SIGTERM and Ctrl-C reach the host's lifetime (ApplicationStopping); the caller's token ends it too.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: stop listening; actions already started go on in their own processes.
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The routes that change state, for the tests that check each refuses a request without the cookie, with a
    /// wrong token, or without the anti-forgery token.</summary>
    public static IReadOnlyList<string> PostRoutes { get; } =
    [
        "/logout", "/api/guests/{name}/start", "/api/guests/{name}/shutdown", "/api/guests/{name}/force-off",
        "/api/guests/{name}/usb/attach", "/api/guests/{name}/usb/detach", "/api/guests/{name}/rate", "/api/guests/{name}/switch", "/api/rescue",
        "/api/reports/import",
    ];

    /// <summary>The journal's state as the Host page shows it.</summary>
    internal static JournalJson Journal(DashboardSettings settings)
    {
        var reading = settings.Host.Journal.Inspect();
        return new JournalJson(reading.Status.ToString().ToLowerInvariant(), reading.IsClean, reading.Gpu, reading.Reason);
    }

    // Everything but the login link and the static files needs a session; every POST (and the console's WebSocket)
    // needs the session's anti-forgery token too. Refused requests stop here, before any endpoint runs.
    private async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path == "/login" || path.StartsWith("/static/", StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var csrf = _sessions.CsrfOf(context.Request.Cookies[SessionStore.CookieName]);
        if (csrf is null)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "You are not logged in to the Lodge dashboard.",
                "Open the link that 'lodge serve --print-url' prints on the host.").ConfigureAwait(false);
            return;
        }

        var changesState = HttpMethods.IsPost(context.Request.Method) || context.WebSockets.IsWebSocketRequest;
        if (changesState && !DashboardToken.Matches(csrf, await PresentedCsrfAsync(context).ConfigureAwait(false)))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "This request has no valid anti-forgery token, so it changed nothing.",
                "Reload the page and try again.").ConfigureAwait(false);
            return;
        }

        context.Items["csrf"] = csrf;
        await next(context).ConfigureAwait(false);
    }

    private static async Task<string?> PresentedCsrfAsync(HttpContext context)
    {
        if (context.Request.Headers[SessionStore.CsrfHeader].ToString() is { Length: > 0 } header)
        {
            return header;
        }

        if (context.WebSockets.IsWebSocketRequest)
        {
            return context.Request.Query["csrf"].ToString();
        }

        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            return form["csrf"].ToString();
        }

        return null;
    }

    private static Task RefuseAsync(HttpContext context, int status, string error, string hint)
    {
        context.Response.StatusCode = status;
        return WriteJson(context, JsonSerializer.Serialize(new WebError(error, hint), WebJsonContext.Default.WebError));
    }

    private async Task LoginAsync(HttpContext context)
    {
        if (!DashboardToken.Matches(_settings.Token, context.Request.Query["token"].ToString()))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "That login link has a wrong or missing token.",
                "Open the link that 'lodge serve --print-url' prints on the host.").ConfigureAwait(false);
            return;
        }

        var (session, _) = _sessions.Create();
        context.Response.Cookies.Append(SessionStore.CookieName, session, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Secure = context.Request.IsHttps,
        });
        context.Response.Redirect("/");
    }

    private Task LogoutAsync(HttpContext context)
    {
        _sessions.Remove(context.Request.Cookies[SessionStore.CookieName]);
        context.Response.Cookies.Delete(SessionStore.CookieName);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    // The machine name is checked at the boundary, with the CLI's own rule, before any file or command sees it.
    private Task WithName(HttpContext context, Func<string, Task> then)
    {
        var name = context.Request.RouteValues["name"] as string ?? "";
        if (MachineName.Check(name, _settings.Host.Paths.RunRoot) is { } problem)
        {
            return RefuseAsync(context, StatusCodes.Status400BadRequest, problem.Message, problem.Hint ?? "Use the name of a machine in 'lodge list'.");
        }

        return then(name);
    }

    private async Task JsonCommandAsync(HttpContext context, string[] args)
    {
        var result = await _settings.Commands.RunAsync(args, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        if (result.StandardOutput.TrimStart().StartsWith('{'))
        {
            // doctor exits 1 or 2 with a complete document (no GPU, no KVM): the document is the answer.
            await WriteJson(context, result.StandardOutput).ConfigureAwait(false);
            return;
        }

        await FailedAsync(context, result).ConfigureAwait(false);
    }

    private static Task FailedAsync(HttpContext context, CommandResult result)
    {
        context.Response.StatusCode = result.ExitCode is 64 or 3 ? StatusCodes.Status400BadRequest : StatusCodes.Status500InternalServerError;
        return WriteJson(context, JsonSerializer.Serialize(new WebError(result.Error ?? $"lodge exited with code {result.ExitCode}.", result.Hint), WebJsonContext.Default.WebError));
    }

    private Task MachinesAsync(HttpContext context)
    {
        var names = _settings.Host.Machines.LoadAll().Select(m => m.Machine.Name).Order(StringComparer.Ordinal).ToList();
        return WriteJson(context, JsonSerializer.Serialize(names, WebJsonContext.Default.ListString));
    }

    private Task StartAsync(HttpContext context, string[] args)
    {
        var action = _actions.Start(args);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        return WriteJson(context, JsonSerializer.Serialize(new ActionStarted(action.Id, action.Title), WebJsonContext.Default.ActionStarted));
    }

    private async Task FormCommandAsync(HttpContext context, string field, Func<string, string[]> args)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var value = form[field].ToString();
        if (value.Length == 0)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, $"The form has no '{field}'.", "Choose one and submit again.").ConfigureAwait(false);
            return;
        }

        await EndedAsync(context, await _settings.Commands.RunAsync(args(value), cancellationToken: context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task RateAsync(HttpContext context, string name)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var result = await _settings.Commands.RunAsync(["report", "rate", name, form["verdict"].ToString(), form["note"].ToString()], cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await EndedAsync(context, result).ConfigureAwait(false);
    }

    private async Task ImportAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (form.Files.GetFile("file") is not { } file)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "The form has no report file.", "Choose a file written by 'lodge report export'.").ConfigureAwait(false);
            return;
        }

        var path = Path.Combine(Path.GetTempPath(), $"lodge-import-{Guid.NewGuid():N}.json");
        try
        {
            await using (var target = File.Create(path))
            {
                await file.CopyToAsync(target, context.RequestAborted).ConfigureAwait(false);
            }

            await EndedAsync(context, await _settings.Commands.RunAsync(["report", "import", path], cancellationToken: context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task ExportAsync(HttpContext context)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lodge-export-{Guid.NewGuid():N}.json");
        try
        {
            var result = await _settings.Commands.RunAsync(["report", "export", "-o", path], cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (result.ExitCode != 0 || !File.Exists(path))
            {
                await FailedAsync(context, result).ConfigureAwait(false);
                return;
            }

            context.Response.ContentType = "application/json";
            context.Response.Headers.ContentDisposition = "attachment; filename=\"lodge-reports.json\"";
            await context.Response.SendFileAsync(path, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Task EndedAsync(HttpContext context, CommandResult result)
    {
        context.Response.StatusCode = result.ExitCode == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        return WriteJson(context, JsonSerializer.Serialize(new ActionEnded(result.ExitCode, result.Error, result.Hint), WebJsonContext.Default.ActionEnded));
    }

    // Server-Sent Events: every line as it is printed ("line"), then how it ended ("end").
    private async Task ActionEventsAsync(HttpContext context)
    {
        if (_actions.Find(context.Request.RouteValues["id"] as string ?? "") is not { } action)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        Sse.Start(context);
        var sent = 0;
        while (!context.RequestAborted.IsCancellationRequested)
        {
            var (lines, done, changed) = action.Since(sent);
            foreach (var line in lines)
            {
                await Sse.SendAsync(context, "line", line).ConfigureAwait(false);
            }

            sent += lines.Count;
            if (done)
            {
                var result = action.Result!;
                await Sse.SendAsync(context, "end", JsonSerializer.Serialize(new ActionEnded(result.ExitCode, result.Error, result.Hint), WebJsonContext.Default.ActionEnded)).ConfigureAwait(false);
                return;
            }

            await changed.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    internal static Task WriteJson(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(json);
    }
}
