using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Lodge.App.Guests;
using Lodge.App.Host;
using Lodge.App.Machines;
using Lodge.App.Reports;
using Lodge.Core;
using Lodge.Core.Machines;
using Microsoft.AspNetCore.Http;

namespace Lodge.Web;

/// <summary>The server-rendered pages: Guests, Host, Guest and Reports. Each calls the App's services in this process and
/// reads their results as the CLI's <c>--json</c> renders them (the same documents as <c>/api/</c>); dashboard.js adds the
/// live parts (SSE, actions, the console).</summary>
internal sealed class Pages(DashboardSettings settings, SessionStore sessions)
{
    public async Task GuestsAsync(HttpContext context)
    {
        var status = JsonNode.Parse(settings.Renderer.Status(await new GuestService(settings.Host).OverviewAsync(null, context.RequestAborted).ConfigureAwait(false)));
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
        var doctor = Doctor();
        var devices = Devices();
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
        var history = Reports();
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
        JsonNode? p = null;
        LodgeException? planError = null;
        try
        {
            p = JsonNode.Parse(settings.Renderer.Plan(new MachineService(settings.Host).Plan(name).Plan));
        }
        catch (LodgeException e)
        {
            planError = e;
        }

        if (p is not null)
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
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">{E(planError?.Message)}<br>{E(planError?.Hint)}</p>");
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
        var body = new StringBuilder("<h1>Reports</h1>");
        var devices = Devices();
        var gpus = (devices?["devices"]?.AsArray() ?? []).Where(d => (string?)d?["kind"] == "gpu").ToList();
        foreach (var gpu in gpus)
        {
            // ReportService.Query per GPU of this host ('report query --gpu ID'), read as its --json says it.
            var id = $"{(string?)gpu!["vendorId"]}:{(string?)gpu["deviceId"]}";
            body.Append(CultureInfo.InvariantCulture, $"<h2>{E(id)} {E((string?)gpu["deviceName"])}</h2>");
            try
            {
                body.Append(QueryTable(JsonNode.Parse(settings.Renderer.ReportQuery(new ReportService(settings.Host).Query(new ReportQueryRequest(id))))));
            }
            catch (LodgeException e)
            {
                body.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">{E(e.Message)}<br>{E(e.Hint)}</p>");
            }
        }

        if (gpus.Count == 0)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p>This host shows no GPU. {E((string?)Doctor()?["verdict"])}</p>");
        }

        var reports = Reports();
        body.Append("<h2>Every recorded attempt</h2>").Append(ReportTable("reports", reports?["reports"]?.AsArray() ?? []));
        body.Append("""
            <h2>Export and import</h2>
            <p><a href="/api/reports/export">Export all reports (privacy-filtered JSON)</a></p>
            <form class="import" data-form="/api/reports/import" enctype="multipart/form-data"><input type="file" name="file" accept=".json"> <button type="submit">Import</button></form>
            <pre id="progress" hidden></pre>
            """);
        await WriteAsync(context, "Reports", body.ToString()).ConfigureAwait(false);
    }

    private JsonNode? Doctor() => JsonNode.Parse(settings.Renderer.Doctor(new HostService(settings.Host).Doctor()));

    private JsonNode? Devices() => JsonNode.Parse(settings.Renderer.Devices(new HostService(settings.Host).Devices()));

    private JsonNode? Reports() => JsonNode.Parse(settings.Renderer.Reports(new ReportService(settings.Host).List()));

    // report query --gpu ID --json: how many attempts worked, the ones listed (best first), and what made the difference.
    private static string QueryTable(JsonNode? query)
    {
        var html = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<p>{E(query?["worked"]?.ToString())} of {E(query?["attempts"]?.ToString())} attempts worked.</p>");
        html.Append(ReportTable("query-" + E((string?)query?["gpu"]).Replace(':', '-'), query?["reports"]?.AsArray() ?? []));
        foreach (var d in query?["differences"]?.AsArray() ?? [])
        {
            var values = string.Join("; ", (d?["values"]?.AsArray() ?? []).Select(v => $"{(string?)v?["value"]}: {v?["worked"]}/{v?["attempts"]} worked"));
            html.Append(CultureInfo.InvariantCulture, $"<p>What made the difference: {E((string?)d?["feature"])} ({E(values)}).</p>");
        }

        return html.ToString();
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
