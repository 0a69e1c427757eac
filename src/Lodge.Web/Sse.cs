using Microsoft.AspNetCore.Http;

namespace Lodge.Web;

/// <summary>Server-Sent Events: <c>text/event-stream</c>, one <c>event:</c> and <c>data:</c> line per message.</summary>
public static class Sse
{
    /// <summary>Starts the stream.</summary>
    public static void Start(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
    }

    /// <summary>Sends one event; a multi-line payload becomes several <c>data:</c> lines.</summary>
    public static async Task SendAsync(HttpContext context, string name, string data)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(data);
        var text = $"event: {name}\n" + string.Concat(data.Split('\n').Select(l => $"data: {l.TrimEnd('\r')}\n")) + "\n";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
