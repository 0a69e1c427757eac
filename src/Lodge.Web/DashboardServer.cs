using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Lodge.App.Guests;
using Lodge.App.Handoff;
using Lodge.App.Host;
using Lodge.App.Machines;
using Lodge.App.Reports;
using Lodge.App.Switching;
using Lodge.Core;
using Lodge.Core.Machines;
using Lodge.Core.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lodge.Web;

/// <summary><c>lodge serve</c>: builds the web application (slim builder, NativeAOT) with its auth gate, pages and API.
/// Every endpoint calls the App's services in this process (the same services as the CLI, built from the same
/// <see cref="App.LodgeHost"/>) and renders their results with the CLI's own renderers; none holds logic of its own.</summary>
public sealed class DashboardServer
{
    private readonly DashboardSettings _settings;
    private const int ShutdownSeconds = 60;
    private readonly SessionStore _sessions = new();
    private readonly ActionRegistry _actions = new();

    /// <summary>Creates the server for <paramref name="settings"/>.</summary>
    public DashboardServer(DashboardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
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

        var lodge = _settings.Host;
        var render = _settings.Renderer;
        app.MapGet("/api/devices", c => JsonAsync(c, () => render.Devices(new HostService(lodge).Devices())));
        app.MapGet("/api/doctor", c => JsonAsync(c, () => render.Doctor(new HostService(lodge).Doctor())));
        app.MapGet("/api/status", c => JsonAsync(c, async () => render.Status(await new GuestService(lodge).OverviewAsync(null, c.RequestAborted).ConfigureAwait(false))));
        app.MapGet("/api/guests/{name}/plan", c => WithName(c, name => JsonAsync(c, () => render.Plan(new MachineService(lodge).Plan(name).Plan))));
        app.MapGet("/api/machines", MachinesAsync);
        app.MapGet("/api/journal", c => c.Response.WriteAsync(JsonSerializer.Serialize(Journal(_settings), WebJsonContext.Default.JournalJson)));
        app.MapGet("/api/usb", c => WriteJson(c, JsonSerializer.Serialize(HostUsbList.Read(_settings.Host.Root, _settings.TestHooks), WebJsonContext.Default.ListHostUsbDevice)));
        app.MapGet("/api/reports", c => JsonAsync(c, () => render.Reports(new ReportService(lodge).List())));
        app.MapGet("/api/reports/query", c => JsonAsync(c, () => render.ReportQuery(new ReportService(lodge).Query(new ReportQueryRequest(c.Request.Query["gpu"].ToString() is { Length: > 0 } gpu ? gpu : null)))));
        app.MapGet("/api/reports/export", ExportAsync);
        app.MapGet("/api/events", new LiveStatus(_settings).StreamAsync);
        app.MapGet("/api/guests/{name}/logs", c => WithName(c, name => GuestLogs.StreamAsync(c, _settings.Host.Paths.Roots.RunDir(name))));
        app.MapGet("/api/guests/{name}/console", c => WithName(c, name => SerialConsole.BridgeAsync(c, _settings.Host.Paths.Roots, name)));
        app.MapGet("/api/actions/{id}", ActionEventsAsync);

        app.MapPost("/api/guests/{name}/start", StartGuestAsync);
        app.MapPost("/api/guests/{name}/shutdown", ShutdownAsync);
        app.MapPost("/api/guests/{name}/force-off", ForceOffAsync);
        app.MapPost("/api/guests/{name}/usb/attach", c => WithName(c, name => UsbAsync(c, name, attach: true)));
        app.MapPost("/api/guests/{name}/usb/detach", c => WithName(c, name => UsbAsync(c, name, attach: false)));
        app.MapPost("/api/guests/{name}/rate", c => WithName(c, name => RateAsync(c, name)));
        app.MapPost("/api/guests/{name}/switch", SwitchToAsync);
        app.MapPost("/api/rescue", RescueActionAsync);
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
            // Ctrl-C or SIGTERM: stop listening. Guests started here run under their own supervisors and outlive the server.
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

    private static Task RefuseAsync(HttpContext context, int status, string error, string? hint)
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

    // A GET under /api/: the service's result rendered as the CLI's --json; a Lodge error is 400 with its sentence and fix.
    private static Task JsonAsync(HttpContext context, Func<string> json) => JsonAsync(context, () => Task.FromResult(json()));

    private static async Task JsonAsync(HttpContext context, Func<Task<string>> json)
    {
        string text;
        try
        {
            text = await json().ConfigureAwait(false);
        }
        catch (LodgeException e)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, e.Message, e.Hint).ConfigureAwait(false);
            return;
        }

        await WriteJson(context, text).ConfigureAwait(false);
    }

    private Task MachinesAsync(HttpContext context)
    {
        var names = _settings.Host.Machines.LoadAll().Select(m => m.Machine.Name).Order(StringComparer.Ordinal).ToList();
        return WriteJson(context, JsonSerializer.Serialize(names, WebJsonContext.Default.ListString));
    }

    private string Tcg => _settings.Tcg ? " --tcg" : string.Empty;

    private Task StartAsync(HttpContext context, string title, Func<ActionOutput, Task<int>> run)
    {
        var action = _actions.Start(title, run);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        return WriteJson(context, JsonSerializer.Serialize(new ActionStarted(action.Id, action.Title), WebJsonContext.Default.ActionStarted));
    }

    private Task StartGuestAsync(HttpContext context) =>
        WithName(context, name => StartAsync(context, $"lodge up {name} --detach{Tcg}", output => UpAsync(name, output)));

    private Task ShutdownAsync(HttpContext context) =>
        WithName(context, name => StartAsync(context, $"lodge down {name}", output => DownAsync(name, ShutdownSeconds, force: false, output)));

    private Task ForceOffAsync(HttpContext context) =>
        WithName(context, name => StartAsync(context, $"lodge down {name} --timeout 1 --force", output => DownAsync(name, 1, force: true, output)));

    private Task SwitchToAsync(HttpContext context) => WithName(context, name =>
    {
        var force = context.Request.Query["force"] == "1";
        return StartAsync(context, $"lodge switch {name}{(force ? " --force" : string.Empty)}{Tcg}", output => SwitchAsync(name, force, output));
    });

    private Task RescueActionAsync(HttpContext context) => StartAsync(context, "lodge rescue", RescueAsync);

    // 'lodge up NAME --detach': a guest that hands its GPU over starts under the handoff's supervisor (its own unit or
    // session), followed until the guest runs; any other under a detached 'lodge supervise'. Either outlives this server.
    private async Task<int> UpAsync(string name, ActionOutput output)
    {
        var lodge = _settings.Host;
        var planned = new MachineService(lodge).Plan(name);
        if (SwitchSlots.TakesGpu(planned.Plan))
        {
            var supervisor = new HandoffSupervisor(lodge, name);
            string[] options = [.. _settings.Tcg ? ["--tcg"] : Array.Empty<string>(), .. _settings.SimulatedHost ? ["--simulated-host"] : Array.Empty<string>()];
            var unit = await supervisor.StartUpAsync(planned.Plan.Machine, options, CancellationToken.None).ConfigureAwait(false);
            output.ErrorLine(unit is not null
                ? $"The handoff of '{name}' runs in '{unit}.service' (log: {supervisor.Phase.LogPath}); it goes on without this page and without 'lodge serve'."
                : $"The handoff of '{name}' runs in a session of its own (log: {supervisor.Phase.LogPath}); it goes on without this page and without 'lodge serve'.");
            var exit = await supervisor.FollowAsync(output.ErrorLine, untilRunning: true, () => 0, CancellationToken.None).ConfigureAwait(false);
            if (exit == 0 && supervisor.Phase.Read() is { Phase: HandoffPhaseFile.Running } running)
            {
                output.Line($"'{name}' runs with the GPU (supervisor pid {running.Pid}). Stop it with Shut down (the GPU then comes back).");
            }

            return exit;
        }

        var guests = new GuestService(lodge);
        var up = guests.Prepare(new UpRequest(name, true, _settings.Tcg, false), warning => output.ErrorLine("Warning: " + warning), output.ErrorLine);
        // As 'up --detach': the report is opened while the supervisor starts; the detached 'lodge supervise' completes it with the real end.
        var pid = await guests.StartDetachedRecordedAsync(up, (options, spawned) => guests.StartDetachedAsync(up.Spec, options, CancellationToken.None, spawned), output.ErrorLine).ConfigureAwait(false);
        foreach (var line in GuestService.RunningLines(up.Spec, pid, detached: true))
        {
            output.Line(line);
        }

        return 0;
    }

    private async Task<int> DownAsync(string name, int seconds, bool force, ActionOutput output)
    {
        var down = await new GuestService(_settings.Host).DownAsync(name, TimeSpan.FromSeconds(seconds), force, CancellationToken.None).ConfigureAwait(false);
        return _settings.Renderer.Down(name, seconds, down, output);
    }

    // 'lodge switch NAME': the switch runs in the lodge that runs the handoff (this only asks and follows); with no guest
    // holding the GPU, NAME starts as 'lodge up NAME --detach' does.
    private async Task<int> SwitchAsync(string name, bool force, ActionOutput output)
    {
        var service = new SwitchService(_settings.Host);
        var target = service.Target(name);
        if (target.Holder is null)
        {
            output.ErrorLine($"No guest holds the GPU; starting '{name}' with it.");
            return await UpAsync(name, output).ConfigureAwait(false);
        }

        var result = await service.RequestAsync(target, force, output.ErrorLine, CancellationToken.None).ConfigureAwait(false);
        return _settings.Renderer.Switch(result, output);
    }

    private async Task<int> RescueAsync(ActionOutput output)
    {
        var outcome = await new HandoffService(_settings.Host).RescueAsync(null, boot: false, output.ErrorLine).ConfigureAwait(false);
        return _settings.Renderer.Rescue(outcome, output);
    }

    // A short action answered at once: {"exitCode", "error", "hint"}, 400 when it failed.
    private static async Task EndedAsync(HttpContext context, Func<Task> run)
    {
        var ended = await ActionRegistry.RunAsync(new DashboardAction("now", "now"), async _ =>
        {
            await run().ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false);
        context.Response.StatusCode = ended.ExitCode == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        await WriteJson(context, JsonSerializer.Serialize(ended, WebJsonContext.Default.ActionEnded)).ConfigureAwait(false);
    }

    private async Task UsbAsync(HttpContext context, string name, bool attach)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var device = form["device"].ToString();
        if (device.Length == 0)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "The form has no 'device'.", "Choose one and submit again.").ConfigureAwait(false);
            return;
        }

        await EndedAsync(context, () => new GuestService(_settings.Host).UsbAsync(new UsbRequest(name, device, attach), CancellationToken.None)).ConfigureAwait(false);
    }

    private async Task RateAsync(HttpContext context, string name)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var verdict = form["verdict"].ToString();
        if (verdict is not ("good" or "bad"))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, $"The verdict '{verdict}' is neither 'good' nor 'bad'.", "Choose good or bad and submit again.").ConfigureAwait(false);
            return;
        }

        var note = form["note"].ToString();
        await EndedAsync(context, () =>
        {
            new ReportService(_settings.Host).Rate(name, new ReportRating(verdict == "good", note.Length == 0 ? null : note));
            return Task.CompletedTask;
        }).ConfigureAwait(false);
    }

    private async Task ImportAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (form.Files.GetFile("file") is not { } file)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "The form has no report file.", "Choose a file written by 'lodge report export'.").ConfigureAwait(false);
            return;
        }

        var path = Path.Combine(_settings.Host.Paths.Scratch, $"lodge-import-{Guid.NewGuid():N}.json");
        try
        {
            await using (var target = File.Create(path))
            {
                await file.CopyToAsync(target, context.RequestAborted).ConfigureAwait(false);
            }

            await EndedAsync(context, () =>
            {
                new ReportService(_settings.Host).Import([path]);
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task ExportAsync(HttpContext context)
    {
        var path = Path.Combine(_settings.Host.Paths.Scratch, $"lodge-export-{Guid.NewGuid():N}.json");
        try
        {
            try
            {
                new ReportService(_settings.Host).Export([], path);
            }
            catch (LodgeException e)
            {
                await RefuseAsync(context, StatusCodes.Status400BadRequest, e.Message, e.Hint).ConfigureAwait(false);
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
                await Sse.SendAsync(context, "end", JsonSerializer.Serialize(action.Result!, WebJsonContext.Default.ActionEnded)).ConfigureAwait(false);
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
