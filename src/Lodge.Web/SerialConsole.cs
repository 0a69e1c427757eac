using System.Net.Sockets;
using System.Net.WebSockets;
using Lodge.Linux.Runtime;
using Microsoft.AspNetCore.Http;

namespace Lodge.Web;

/// <summary><c>/api/guests/NAME/console</c>: a WebSocket bridged to the guest's serial console socket (bytes both ways),
/// for xterm.js on the Guest page.</summary>
public static class SerialConsole
{
    /// <summary>Bridges until either side closes.</summary>
    public static async Task BridgeAsync(HttpContext context, RuntimeRoots roots, string machine)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (new GuestStateStore(roots).Read(machine)?.SerialSocket is not { } path || !File.Exists(path))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync($"Guest '{machine}' is not running, so it has no serial console.").ConfigureAwait(false);
            return;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), context.RequestAborted).ConfigureAwait(false);
        using var web = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);

        var toBrowser = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (!stop.IsCancellationRequested)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                await web.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, true, stop.Token).ConfigureAwait(false);
            }
        });
        var toGuest = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (!stop.IsCancellationRequested)
            {
                var received = await web.ReceiveAsync(buffer.AsMemory(), stop.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), SocketFlags.None, stop.Token).ConfigureAwait(false);
            }
        });

        try
        {
            await Task.WhenAny(toBrowser, toGuest).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        if (web.State == WebSocketState.Open)
        {
            await web.CloseAsync(WebSocketCloseStatus.NormalClosure, "console closed", CancellationToken.None).ConfigureAwait(false);
        }
    }
}
