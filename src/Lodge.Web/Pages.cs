using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Lodge.Core.Machines;
using Microsoft.AspNetCore.Http;

namespace Lodge.Web;

/// <summary>The server-rendered pages: Guests, Host, Guest and Reports. Each renders what a lodge command printed (the
/// same JSON as its <c>--json</c>); dashboard.js adds the live parts (SSE, actions, the console).</summary>
internal sealed class Pages(DashboardSettings settings, SessionStore sessions)
{
    public async Task GuestsAsync(HttpContext context)
    {
        var status = await JsonAsync(context, ["status", "--json"]).ConfigureAwait(false);
        var running = status?["guests"]?.AsArray().Where(g => g is not null).ToDictionary(g => (string)g!["name"]!, g => g!, StringComparer.Ordinal) ?? [];
        var names = settings.Host.Machines.LoadAll().Select(m => m.Machine.Name).Concat(running.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var body = new StringBuilder("<h1>Guests</h1><div id=\"guests\" class=\"cards\">");
        foreach (var name in names)
        {
            var g = running.GetValueOrDefault(name);
            var n = E(name);
            body.Append(CultureInfo.InvariantCulture, $"""
                <section class="card" data-guest="{n}">
                  <h2><a href="/guests/{n}">{n}</a></h2>
                  <p>State: <b data-field="phase">{E((string?)g?["phase"] ?? "stopped")}</b> · uptime <span data-field="uptime">{Uptime(g)}</span></p>
                  <p>Shares: <span data-field="shares">{E(Join(g?["shares"]))}</span></p>
                  <p>Connect: <span data-field="connect">{E(Join(g?["connect"]))}</span></p>
                  <div class="buttons">
                    <button data-post="/api/guests/{n}/start">Start</button>
                    <button data-post="/api/guests/{n}/shutdown">Shut down</button>
                    <button class="danger" data-post="/api/guests/{n}/force-off" data-confirm="Force off {n}? The guest loses whatever it has not saved.">Force off</button>
                    <button data-post="/api/guests/{n}/switch" data-confirm="Give the GPU to {n}? The guest that holds it is shut down through ACPI first.">Switch to</button>
                  </div>
                </section>
                """);
        }

        body.Append("</div><pre id=\"progress\" hidden></pre>");
        await WriteAsync(context, "Guests", body.ToString()).ConfigureAwait(false);
    }

    public async Task HostAsync(HttpContext context)
    {
        var doctor = await JsonAsync(context, ["doctor", "--json"]).ConfigureAwait(false);
        var devices = await JsonAsync(context, ["devices", "--json"]).ConfigureAwait(false);
        var journal = DashboardServer.Journal(settings);
        var body = new StringBuilder("<h1>Host</h1>");
        body.Append(CultureInfo.InvariantCulture, $"<p id=\"verdict\" class=\"verdict\">{E((string?)doctor?["verdict"] ?? "doctor did not answer")}</p>");
        body.Append(CultureInfo.InvariantCulture, $"<h2>GPU handoff journal</h2><p id=\"journal\">{E(journal.Status)}{(journal.Gpu is null ? "" : " (GPU " + E(journal.Gpu) + ")")}{(journal.Reason is null ? "" : ": " + E(journal.Reason))}</p>");
        if (!journal.Clean)
        {
            body.Append("<p><button class=\"danger\" data-post=\"/api/rescue\" data-confirm=\"Undo what the unfinished handoff left applied?\">Rescue</button></p>");
        }

        foreach (var section in doctor?["sections"]?.AsArray() ?? [])
        {
            body.Append(CultureInfo.InvariantCulture, $"<h2>{E((string?)section?["title"])}</h2><ul class=\"checks\">");
            foreach (var check in section?["checks"]?.AsArray() ?? [])
            {
                var fix = (string?)check?["fix"];
                body.Append(CultureInfo.InvariantCulture, $"<li class=\"{E((string?)check?["status"])}\"><b>{E((string?)check?["title"])}</b>: {E((string?)check?["detail"])}{(fix is null ? "" : "<br><i>Fix: " + E(fix) + "</i>")}</li>");
            }

            body.Append("</ul>");
        }

        body.Append("<h2>IOMMU groups</h2><table><tr><th>group</th><th>device</th><th>name</th><th>driver</th><th>verdict</th></tr>");
        foreach (var d in devices?["devices"]?.AsArray() ?? [])
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{(int?)d?["iommuGroup"]}</td><td>{E((string?)d?["address"])}</td><td>{E($"{(string?)d?["vendorName"]} {(string?)d?["deviceName"]}")}</td><td>{E((string?)d?["driver"])}</td><td>{E((string?)d?["verdict"])}</td></tr>");
        }

        body.Append("</table><pre id=\"progress\" hidden></pre>");
        await WriteAsync(context, "Host", body.ToString()).ConfigureAwait(false);
    }

    public async Task GuestAsync(HttpContext context)
    {
        var name = context.Request.RouteValues["name"] as string ?? "";
        if (MachineName.Check(name, settings.Host.Paths.RunRoot) is { } problem)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await WriteAsync(context, "Guest", $"<p class=\"error\">{E(problem.Message)}</p>").ConfigureAwait(false);
            return;
        }

        var n = E(name);
        var plan = await settings.Commands.RunAsync(["plan", name, "--json"], cancellationToken: context.RequestAborted).ConfigureAwait(false);
        var history = await JsonAsync(context, ["report", "list", "--json"]).ConfigureAwait(false);
        var body = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<h1>{n}</h1><section class=\"card\" data-guest=\"{n}\"><p>State: <b data-field=\"phase\">…</b> · uptime <span data-field=\"uptime\"></span></p>");
        body.Append(CultureInfo.InvariantCulture, $"""
            <div class="buttons">
              <button data-post="/api/guests/{n}/start">Start</button>
              <button data-post="/api/guests/{n}/shutdown">Shut down</button>
              <button class="danger" data-post="/api/guests/{n}/force-off" data-confirm="Force off {n}? The guest loses whatever it has not saved.">Force off</button>
              <button data-post="/api/guests/{n}/switch" data-confirm="Give the GPU to {n}? The guest that holds it is shut down through ACPI first.">Switch to</button>
              <button class="danger" data-post="/api/guests/{n}/switch?force=1" data-confirm="Give the GPU to {n}, forcing the guest that holds it off if it does not shut down in time? It loses whatever it has not saved.">Switch to (force)</button>
            </div></section><pre id="progress" hidden></pre>
            <h2>Plan</h2>
            """);
        if (plan.ExitCode == 0 && JsonNode.Parse(plan.StandardOutput) is { } p)
        {
            body.Append("<table id=\"plan\"><tr><th>topic</th><th>choice</th><th>reason</th></tr>");
            foreach (var d in p["decisions"]?.AsArray() ?? [])
            {
                body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E((string?)d?["topic"])}</td><td>{E((string?)d?["choice"])}</td><td>{E((string?)d?["reason"])}</td></tr>");
            }

            body.Append("</table>");
        }
        else
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">{E(plan.Error)}<br>{E(plan.Hint)}</p>");
        }

        body.Append("<h2>USB</h2><form class=\"usb\" data-form=\"/api/guests/").Append(n).Append("/usb/attach\"><select name=\"device\" id=\"usb-device\">");
        foreach (var usb in HostUsbList.Read(settings.Host.Root, settings.TestHooks))
        {
            body.Append(CultureInfo.InvariantCulture, $"<option value=\"{E(usb.Id)}\">{E(usb.Name)}</option>");
        }

        body.Append(CultureInfo.InvariantCulture, $"""
            </select> <button type="submit">Attach</button> <button type="submit" formaction="/api/guests/{n}/usb/detach">Detach</button></form>
            <p>Attached: <span data-field="usb"></span></p>
            <h2>Console</h2><div id="console" data-guest="{n}"></div>
            <h2>Logs</h2><pre id="logs" class="logs" data-guest="{n}"></pre>
            <h2>Outcomes</h2>{ReportTable("outcomes", (history?["reports"]?.AsArray() ?? []).Where(r => (string?)r?["machine"] == name))}
            <form class="rate" data-form="/api/guests/{n}/rate"><select name="verdict"><option>good</option><option>bad</option></select>
              <input name="note" placeholder="note" maxlength="500"> <button type="submit">Rate the latest run</button></form>
            <link rel="stylesheet" href="/static/vendor/xterm/xterm.css"><script src="/static/vendor/xterm/xterm.js"></script>
            """);
        await WriteAsync(context, name, body.ToString()).ConfigureAwait(false);
    }

    public async Task ReportsAsync(HttpContext context)
    {
        var doctor = await JsonAsync(context, ["doctor", "--json"]).ConfigureAwait(false);
        var body = new StringBuilder("<h1>Reports</h1>");
        var devices = await JsonAsync(context, ["devices", "--json"]).ConfigureAwait(false);
        var gpus = (devices?["devices"]?.AsArray() ?? []).Where(d => (string?)d?["kind"] == "gpu").ToList();
        foreach (var gpu in gpus)
        {
            var id = $"{(string?)gpu!["vendorId"]}:{(string?)gpu["deviceId"]}";
            var query = await settings.Commands.RunAsync(["report", "query", "--gpu", id], cancellationToken: context.RequestAborted).ConfigureAwait(false);
            body.Append(CultureInfo.InvariantCulture, $"<h2>{E(id)} {E((string?)gpu["deviceName"])}</h2><pre>{E(query.ExitCode == 0 ? query.StandardOutput : query.Error)}</pre>");
        }

        if (gpus.Count == 0)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p>This host shows no GPU. {E((string?)doctor?["verdict"])}</p>");
        }

        var reports = await JsonAsync(context, ["report", "list", "--json"]).ConfigureAwait(false);
        body.Append("<h2>Every recorded attempt</h2>").Append(ReportTable("reports", reports?["reports"]?.AsArray() ?? []));
        body.Append("""
            <h2>Export and import</h2>
            <p><a href="/api/reports/export">Export all reports (privacy-filtered JSON)</a></p>
            <form class="import" data-form="/api/reports/import" enctype="multipart/form-data"><input type="file" name="file" accept=".json"> <button type="submit">Import</button></form>
            <pre id="progress" hidden></pre>
            """);
        await WriteAsync(context, "Reports", body.ToString()).ConfigureAwait(false);
    }

    private async Task<JsonNode?> JsonAsync(HttpContext context, string[] args)
    {
        var result = await settings.Commands.RunAsync(args, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        return result.StandardOutput.TrimStart().StartsWith('{') ? JsonNode.Parse(result.StandardOutput) : null;
    }

    private Task WriteAsync(HttpContext context, string title, string body)
    {
        var csrf = context.Items["csrf"] as string ?? sessions.CsrfOf(context.Request.Cookies[SessionStore.CookieName]) ?? "";
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="csrf" content="{E(csrf)}"><title>{E(title)} · Lodge</title><link rel="stylesheet" href="/static/dashboard.css"></head>
            <body><nav><a href="/">Guests</a> <a href="/host">Host</a> <a href="/reports">Reports</a></nav><main>
            {body}
            </main><script src="/static/dashboard.js"></script></body></html>
            """);
    }

    // report list --json's reports as a table: when, which machine (or where it came from), what happened, the rating.
    private static string ReportTable(string id, IEnumerable<JsonNode?> reports)
    {
        var table = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<table id=\"{id}\"><tr><th>id</th><th>when</th><th>machine</th><th>GPU</th><th>result</th><th>rating</th></tr>");
        foreach (var r in reports)
        {
            var result = r?["result"];
            var outcome = (bool?)result?["succeeded"] == true ? "worked" : $"failed at {(string?)result?["failedStep"] ?? "?"}: {(string?)result?["error"]}";
            var rating = r?["rating"] is { } rated ? $"{((bool?)rated["good"] == true ? "good" : "bad")} {(string?)rated["note"]}" : "";
            table.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(r?["id"]?.ToString())}</td><td>{E((string?)r?["recorded"])}</td><td>{E((string?)r?["machine"] ?? "(" + (string?)r?["origin"] + ")")}</td><td>{E((string?)r?["gpu"])}</td><td>{E(outcome)}</td><td>{E(rating)}</td></tr>");
        }

        return table.Append("</table>").ToString();
    }

    private static string Uptime(JsonNode? guest) =>
        guest?["uptimeSeconds"] is { } s ? TimeSpan.FromSeconds((double)s).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "";

    private static string Join(JsonNode? array) =>
        string.Join(", ", array?.AsArray().Select(x => (string?)x) ?? []);

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
