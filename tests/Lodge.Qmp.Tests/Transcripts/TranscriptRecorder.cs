using System.Net.Sockets;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodge.Qmp.Framing;
using Lodge.Qmp.Protocol;

namespace Lodge.Qmp.Tests.Transcripts;

/// <summary>
/// Talks to real QEMU through the framing layer only (not the session under test) and writes every message, in
/// the order it crossed the socket, as a transcript line (tests/data/qmp/README.md).
/// </summary>
internal sealed class TranscriptRecorder : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    // Keep '+' and quotes readable in the files; the escaping would only make diffs harder to review.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<JsonObject> _lines = [];
    private readonly NetworkStream _stream;
    private readonly QmpFrameReader _reader;
    private readonly QmpFrameWriter _writer;
    private int _lastId;

    private TranscriptRecorder(NetworkStream stream)
    {
        _stream = stream;
        _reader = new QmpFrameReader(stream);
        _writer = new QmpFrameWriter(stream);
    }

    /// <summary>The QEMU version from the greeting; names the transcript folder.</summary>
    public QmpVersion? Version { get; private set; }

    /// <summary>Connects, records the greeting and negotiates capabilities.</summary>
    public static async Task<TranscriptRecorder> ConnectAsync(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        var recorder = new TranscriptRecorder(new NetworkStream(socket, ownsSocket: true));
        var greeting = await recorder.ReadAsync() ?? throw new InvalidOperationException("QEMU closed the socket before greeting.");
        recorder.Version = QmpGreeting.Parse(greeting).Version;
        await recorder.ExecuteAsync("qmp_capabilities");
        return recorder;
    }

    /// <summary>Sends a command and records everything up to its reply, then until each of <paramref name="events"/> has arrived.</summary>
    public async Task<JsonObject> ExecuteAsync(string command, JsonObject? arguments = null, params string[] events)
    {
        var id = ++_lastId;
        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null)
        {
            request["arguments"] = arguments;
        }

        request["id"] = id;
        _lines.Add(new JsonObject { ["dir"] = "c2s", ["msg"] = request.DeepClone() });
        await _writer.WriteAsync(request);

        var seen = new HashSet<string>();
        JsonObject? reply = null;
        while (reply is null || !events.All(seen.Contains))
        {
            var message = await ReadAsync() ?? throw new InvalidOperationException($"QEMU closed the socket while recording '{command}'.");
            if (message["event"]?.GetValue<string>() is { } name)
            {
                seen.Add(name);
            }
            else if (message["id"]?.GetValue<int>() == id)
            {
                reply = message;
            }
        }

        return reply;
    }

    /// <summary>Records what QEMU sends until it closes the socket, and how it closed it (EOF or reset).</summary>
    public async Task RecordCloseAsync()
    {
        try
        {
            while (await ReadAsync() is not null)
            {
            }

            _lines.Add(new JsonObject { ["dir"] = "s2c", ["close"] = "eof" });
        }
        catch (IOException)
        {
            _lines.Add(new JsonObject { ["dir"] = "s2c", ["close"] = "reset" });
        }
    }

    public async Task SaveAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllLinesAsync(path, _lines.Select(line => line.ToJsonString(Readable)));
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        _writer.Dispose();
        await _stream.DisposeAsync();
    }

    private async Task<JsonObject?> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var message = await _reader.ReadAsync(timeout.Token);
        if (message is not null)
        {
            _lines.Add(new JsonObject { ["dir"] = "s2c", ["msg"] = message.DeepClone() });
        }

        return message;
    }
}
