using Microsoft.AspNetCore.Http;

namespace Lodge.Web;

/// <summary>The pages' script and style and the vendored xterm.js, served from the binary's embedded resources.</summary>
public static class StaticAssets
{
    /// <summary>Serves <c>/static/PATH</c>; 404 for anything not embedded.</summary>
    public static async Task ServeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.RouteValues["path"] as string ?? "";
        using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream("wwwroot/" + path);
        if (stream is null || path.Contains("..", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = Path.GetExtension(path) switch
        {
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "text/plain; charset=utf-8",
        };
        context.Response.Headers.CacheControl = "no-cache";
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
