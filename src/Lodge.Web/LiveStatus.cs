using Lodge.App.Guests;
using Lodge.Linux.Runtime;
using Microsoft.AspNetCore.Http;

namespace Lodge.Web;

/// <summary><c>/api/events</c>: the guests' live state over Server-Sent Events. It watches the guests' state files
/// cheaply and, whenever one changes (and every 10 s for uptimes), sends what <c>lodge status --json</c> prints (GuestService's overview, the CLI's renderer) as event <c>status</c>.</summary>
public sealed class LiveStatus(DashboardSettings settings)
{
    /// <summary>Streams until the browser leaves.</summary>
    public async Task StreamAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Sse.Start(context);
        var store = new GuestStateStore(settings.Host.Paths.Roots);
        string? last = null;
        var sentAt = DateTimeOffset.MinValue;
        while (!context.RequestAborted.IsCancellationRequested)
        {
            var fingerprint = string.Join(';', store.Machines().Select(m => store.Read(m) is { } s ? $"{m}={s.Phase.Word()}/{s.Qemu?.Pid}" : m));
            var now = settings.Host.Time.GetUtcNow();
            if (fingerprint != last || now - sentAt > TimeSpan.FromSeconds(10))
            {
                var overview = await new GuestService(settings.Host).OverviewAsync(null, context.RequestAborted).ConfigureAwait(false);
                await Sse.SendAsync(context, "status", settings.Renderer.Status(overview)).ConfigureAwait(false);

                last = fingerprint;
                sentAt = now;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), settings.Host.Time, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
