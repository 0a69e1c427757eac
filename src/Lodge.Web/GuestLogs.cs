using System.Text;
using Microsoft.AspNetCore.Http;

namespace Lodge.Web;

/// <summary><c>/api/guests/NAME/logs?file=serial.log</c>: the last 200 lines of one of the guest's logs in its run folder,
/// then every line appended, over Server-Sent Events (event <c>line</c>).</summary>
public static class GuestLogs
{
    /// <summary>How many lines are sent first.</summary>
    public const int Tail = 200;

    /// <summary>Streams until the browser leaves.</summary>
    public static async Task StreamAsync(HttpContext context, string runDir)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Only a log file that is in the guest's run folder, by its plain name: no path reaches the file system. Without a
        // choice, the serial log (the demo's), else the supervisor's (every 'up --detach'), else QEMU's.
        var logs = Directory.Exists(runDir) ? Directory.GetFiles(runDir, "*.log").Select(Path.GetFileName).ToList() : [];
        var wanted = context.Request.Query["file"].ToString() is { Length: > 0 } f ? f
            : new[] { "serial.log", "supervisor.log", "qemu.log" }.FirstOrDefault(l => logs.Contains(l, StringComparer.Ordinal)) ?? "serial.log";
        Sse.Start(context);
        if (!logs.Contains(wanted, StringComparer.Ordinal))
        {
            await Sse.SendAsync(context, "line", $"(no {wanted} yet: the guest has not run)").ConfigureAwait(false);
            return;
        }

        var path = Path.Combine(runDir, wanted);
        long position;
        await using (var first = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            using var reader = new StreamReader(first, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
            var all = (await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false)).Split('\n');
            position = first.Length;
            foreach (var line in all.SkipLast(1).TakeLast(Tail))
            {
                await Sse.SendAsync(context, "line", line).ConfigureAwait(false);
            }
        }

        var partial = new StringBuilder();
        while (!context.RequestAborted.IsCancellationRequested)
        {
            await Task.Delay(500, context.RequestAborted).ConfigureAwait(false);
            if (!File.Exists(path))
            {
                continue;
            }

            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < position)
            {
                position = 0; // a new run started the log again
            }

            stream.Position = position;
            var buffer = new byte[stream.Length - position];
            await stream.ReadExactlyAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            position += buffer.Length;
            partial.Append(Encoding.UTF8.GetString(buffer));
            var text = partial.ToString();
            var end = text.LastIndexOf('\n');
            if (end < 0)
            {
                continue;
            }

            foreach (var line in text[..end].Split('\n'))
            {
                await Sse.SendAsync(context, "line", line).ConfigureAwait(false);
            }

            partial.Clear().Append(text[(end + 1)..]);
        }
    }
}
