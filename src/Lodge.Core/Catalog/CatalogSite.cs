using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Lodge.Core.Reports;

namespace Lodge.Core.Catalog;

/// <summary>The static HTML site of a catalog: an index, one page per GPU, board and OS, one page per report, and one
/// page listing every report in plain text so that a browser's find searches them all. No JavaScript, no external
/// resources: any web server or a git forge's pages can serve it.</summary>
public static class CatalogSite
{
    private const string Style = "body{font-family:sans-serif;max-width:70em;margin:1em auto;padding:0 1em;color:#222}"
        + "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}"
        + ".good{color:#070}.bad{color:#a00}.failed{color:#a00}dt{font-weight:bold}nav a{margin-right:1em}.pager{margin:.5em 0}.pager a{margin:0 .25em}";

    /// <summary>How many reports one list page holds; longer lists go on to NAME.p2.html, NAME.p3.html, ….</summary>
    public const int PageSize = 500;

    /// <summary>Builds every page: relative path → HTML. Lists longer than <paramref name="pageSize"/> reports are split
    /// into pages linked to each other (plain links: no JavaScript, works from file://).</summary>
    public static IReadOnlyDictionary<string, string> Build(IReadOnlyList<(string Id, OutcomeReport Report)> reports, int pageSize = PageSize)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var pages = new Dictionary<string, string>(StringComparer.Ordinal);
        var byGpu = reports.GroupBy(r => CatalogIndex.GpuKey(r.Report), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var byBoard = reports.GroupBy(r => CatalogIndex.BoardKey(r.Report), StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase).ToList();
        var byOs = reports.GroupBy(r => r.Report.Guest.Os, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();

        var index = new StringBuilder();
        index.Append(CultureInfo.InvariantCulture, $"<p>{reports.Count} report(s): {reports.Count(r => CatalogIndex.IsGood(r.Report))} worked. <a href=\"search.html\">Search every report</a> (your browser's find, Ctrl+F, searches that page).</p>");
        index.Append("<h2>By GPU</h2>").Append(Groups(byGpu.Select(g => (GpuPage(g.Key), GpuTitle(g), g.ToList()))));
        index.Append("<h2>By board</h2>").Append(Groups(byBoard.Select(g => (BoardPage(g.Key), g.Key, g.ToList()))));
        index.Append("<h2>By guest OS</h2>").Append(Groups(byOs.Select(g => (OsPage(g.Key), g.Key, g.ToList()))));
        pages["index.html"] = Page("Lodge outcome catalog", index.ToString(), string.Empty);

        foreach (var g in byGpu)
        {
            Paged(pages, GpuPage(g.Key), $"GPU {GpuTitle(g)}", string.Empty, g.ToList(), "../", false, pageSize);
        }

        foreach (var g in byBoard)
        {
            Paged(pages, BoardPage(g.Key), $"Board {g.Key}", string.Empty, g.ToList(), "../", false, pageSize);
        }

        foreach (var g in byOs)
        {
            Paged(pages, OsPage(g.Key), $"Guest OS {g.Key}", string.Empty, g.ToList(), "../", false, pageSize);
        }

        var intro = reports.Count > pageSize
            ? $"<p>Every report, newest first, {pageSize} to a page: use your browser's find (Ctrl+F) to search a page for GPU names, boards, kernels, features and errors, or narrow down by GPU, board or OS from the <a href=\"index.html\">catalog</a>.</p>"
            : "<p>Every report on one page: use your browser's find (Ctrl+F) to search GPU names, boards, kernels, features and errors.</p>";
        Paged(pages, "search.html", "Every report", intro, reports, string.Empty, true, pageSize);
        foreach (var (id, r) in reports)
        {
            pages[$"r/{id}.html"] = Page($"Report {id[..12]}", Report(id, r), "../");
        }

        return pages;
    }

    /// <summary>The file of page <paramref name="number"/> (from 1) of a list whose first page is <paramref name="first"/>.</summary>
    public static string ListPage(string first, int number)
    {
        ArgumentNullException.ThrowIfNull(first);
        return number <= 1 ? first : first[..^".html".Length] + $".p{number.ToString(CultureInfo.InvariantCulture)}.html";
    }

    // A list of reports over as many pages as it needs; links between the pages are relative to their own folder.
    private static void Paged(Dictionary<string, string> pages, string first, string title, string intro, IReadOnlyList<(string Id, OutcomeReport Report)> reports, string up, bool full, int pageSize)
    {
        var ordered = reports.OrderByDescending(x => x.Report.RecordedAt).ThenBy(x => x.Id, StringComparer.Ordinal).ToList();
        var count = Math.Max(1, (ordered.Count + pageSize - 1) / pageSize);
        for (var n = 1; n <= count; n++)
        {
            var nav = count == 1 ? string.Empty : Pager(first, n, count, ordered.Count, pageSize);
            var heading = count == 1 ? title : $"{title} (page {n.ToString(CultureInfo.InvariantCulture)} of {count.ToString(CultureInfo.InvariantCulture)})";
            pages[ListPage(first, n)] = Page(heading, intro + nav + Table(ordered.Skip((n - 1) * pageSize).Take(pageSize).ToList(), up, full) + nav, up);
        }
    }

    private static string Pager(string first, int page, int count, int total, int pageSize)
    {
        string Link(int n) => H(Path.GetFileName(ListPage(first, n)));
        var sb = new StringBuilder("<nav class=\"pager\"><span>");
        sb.Append(CultureInfo.InvariantCulture, $"Reports {((page - 1) * pageSize) + 1}–{Math.Min(page * pageSize, total)} of {total}.</span> ");
        if (page > 1)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<a rel=\"prev\" href=\"{Link(page - 1)}\">Previous</a>");
        }

        if (page < count)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<a rel=\"next\" href=\"{Link(page + 1)}\">Next</a>");
        }

        sb.Append("Pages:");
        for (var n = 1; n <= count; n++)
        {
            sb.Append(n == page ? $" <strong>{n.ToString(CultureInfo.InvariantCulture)}</strong>" : $" <a href=\"{Link(n)}\">{n.ToString(CultureInfo.InvariantCulture)}</a>");
        }

        return sb.Append("</nav>").ToString();
    }

    /// <summary>The page of a report.</summary>
    public static string ReportPage(string id) => $"r/{id}.html";

    private static string GpuPage(string key) => $"gpu/{key.Replace(':', '-')}.html";

    private static string OsPage(string os) => $"os/{Slug(os)}.html";

    // Board names are free text: a readable slug plus a short hash keeps pages apart and names safe.
    private static string BoardPage(string board) =>
        $"board/{Slug(board)}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(board.ToLowerInvariant())))[..8]}.html";

    private static string Slug(string text)
    {
        var s = new string(text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        while (s.Contains("--", StringComparison.Ordinal))
        {
            s = s.Replace("--", "-", StringComparison.Ordinal);
        }

        return s.Length == 0 ? "unknown" : s[..Math.Min(s.Length, 48)];
    }

    private static string GpuTitle(IGrouping<string, (string Id, OutcomeReport Report)> g) =>
        g.Select(x => x.Report.Hardware.GpuName).FirstOrDefault(n => n is not null) is { } name ? $"{g.Key} {name}" : g.Key;

    private static string Groups(IEnumerable<(string Page, string Title, List<(string Id, OutcomeReport Report)> Reports)> groups)
    {
        var sb = new StringBuilder("<table><tr><th>Name</th><th>Reports</th><th>Worked</th></tr>");
        foreach (var (page, title, list) in groups)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"{H(page)}\">{H(title)}</a></td><td>{list.Count}</td><td>{list.Count(x => CatalogIndex.IsGood(x.Report))}</td></tr>");
        }

        return sb.Append("</table>").ToString();
    }

    private static string Table(IReadOnlyList<(string Id, OutcomeReport Report)> reports, string up, bool full = false)
    {
        var sb = new StringBuilder("<table><tr><th>Date</th><th>Outcome</th><th>GPU</th><th>Board</th><th>OS</th><th>Kernel</th><th>Features</th>");
        sb.Append(full ? "<th>Error</th></tr>" : "</tr>");
        foreach (var (id, r) in reports)
        {
            var outcome = CatalogIndex.OutcomeKey(r);
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"{up}{H(ReportPage(id))}\">{r.RecordedAt:yyyy-MM-dd}</a></td><td class=\"{outcome}\">{outcome}</td>")
              .Append(CultureInfo.InvariantCulture, $"<td>{H(r.Hardware.Gpu)} {H(r.Hardware.GpuName)}</td><td>{H(CatalogIndex.BoardKey(r))}</td><td>{H(r.Guest.Os)}</td><td>{H(r.Versions.Kernel)}</td><td>{H(Features(r))}</td>");
            sb.Append(full ? $"<td>{H(r.Result.Error)}</td></tr>" : "</tr>");
        }

        return sb.Append("</table>").ToString();
    }

    private static string Report(string id, OutcomeReport r)
    {
        var h = r.Hardware;
        (string, string?)[] rows =
        [
            ("Outcome", CatalogIndex.OutcomeKey(r)), ("Recorded", r.RecordedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ("GPU", $"{h.Gpu} {h.GpuName}".Trim()), ("VBIOS", h.VbiosVersion), ("Board", CatalogIndex.BoardKey(r)), ("BIOS", h.BiosVersion), ("CPU", h.CpuModel),
            ("USB controllers", string.Join(", ", h.UsbControllers)), ("Kernel", r.Versions.Kernel), ("QEMU", r.Versions.Qemu), ("Guest OS", r.Guest.Os),
            ("Started", r.Result.Started ? "yes" : "no"), ("Healthy", r.Result.Healthy ? "yes" : "no"),
            ("Handoff clean", r.Result.HandoffClean is { } c ? (c ? "yes" : "no") : "no handoff"), ("Failed step", r.Result.FailedStep), ("Error", r.Result.Error),
            ("Rating", r.Rating is { } rt ? (rt.Good ? "good" : "bad") + (rt.Note is { } n ? $": {n}" : string.Empty) : null),
        ];
        var sb = new StringBuilder("<dl>");
        foreach (var (name, value) in rows.Where(x => !string.IsNullOrEmpty(x.Item2)))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<dt>{H(name)}</dt><dd>{H(value)}</dd>");
        }

        sb.Append("<dt>Features</dt><dd><table>");
        foreach (var (k, v) in r.Guest.Features.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{H(k)}</td><td>{H(v)}</td></tr>");
        }

        sb.Append("</table></dd></dl>");
        sb.Append(CultureInfo.InvariantCulture, $"<p>Id {H(id)}. Start a machine from it: <code>lodge new NAME --like {H(id)}</code>.</p>");
        return sb.ToString();
    }

    private static string Features(OutcomeReport r) =>
        string.Join(", ", r.Guest.Features.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static string Page(string title, string body, string up) =>
        $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{H(title)}</title><style>{Style}</style></head>"
        + $"<body><nav><a href=\"{up}index.html\">Catalog</a><a href=\"{up}search.html\">Search</a></nav><h1>{H(title)}</h1>{body}</body></html>\n";

    private static string H(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}
