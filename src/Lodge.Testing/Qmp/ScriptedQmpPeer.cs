using System.Text.Json.Nodes;
using Lodge.Qmp.Framing;
using Lodge.Qmp.Protocol;

namespace Lodge.Testing.Qmp;

/// <summary>Plays QEMU's side of a QMP conversation from a script, over any stream (an in-memory pair or a socket).</summary>
/// <remarks>
/// <para>
/// Build the script with the fluent methods, then <see cref="RunAsync"/> it on the server end. <see cref="Expect"/>
/// checks the client's next message and remembers its id, so <see cref="Reply"/> and <see cref="ReplyError"/> can
/// answer it by command name, in any order. <see cref="FromTranscript(string)"/> builds the script from a recording.
/// </para>
/// <para>
/// When the script runs out, the peer waits for the client to close; a further message from the client makes
/// <see cref="RunAsync"/> fail. A failed expectation also fails <see cref="RunAsync"/>, and the peer then closes the
/// stream so the client does not hang. Await the run at the end of a test to see these failures.
/// </para>
/// </remarks>
public sealed partial class ScriptedQmpPeer
{
    private readonly List<Func<Run, CancellationToken, Task>> _steps = [];
    private readonly List<JsonObject> _received = [];
    private readonly Dictionary<string, JsonNode?> _ids = new(StringComparer.Ordinal);
    private long _eventClock = 1_700_000_000_000_000;

    /// <summary>Every message the client sent, in order.</summary>
    public IReadOnlyList<JsonObject> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Sends a greeting, by default the one QEMU 7.2.22 sends.</summary>
    public ScriptedQmpPeer Greet(QmpVersion? version = null)
    {
        var v = version ?? new QmpVersion(7, 2, 22, "Lodge ScriptedQmpPeer");
        return Send(new JsonObject
        {
            ["QMP"] = new JsonObject
            {
                ["version"] = new JsonObject
                {
                    ["qemu"] = new JsonObject { ["micro"] = v.Micro, ["minor"] = v.Minor, ["major"] = v.Major },
                    ["package"] = v.Package,
                },
                ["capabilities"] = new JsonArray("oob"),
            },
        });
    }

    /// <summary>Greets and accepts <c>qmp_capabilities</c>: the client reaches Ready.</summary>
    public ScriptedQmpPeer Negotiate() => Greet().Expect("qmp_capabilities").Reply();

    /// <summary>Sends <paramref name="message"/> verbatim.</summary>
    public ScriptedQmpPeer Send(JsonObject message) => AddStep((run, token) => run.Writer.WriteAsync((JsonObject)message.DeepClone(), token).AsTask());

    /// <summary>Sends <paramref name="text"/> as raw bytes, for malformed input; add <c>\n</c> yourself.</summary>
    public ScriptedQmpPeer SendRaw(string text) => AddStep(async (run, token) =>
    {
        await run.Stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), token).ConfigureAwait(false);
        await run.Stream.FlushAsync(token).ConfigureAwait(false);
    });

    /// <summary>Sends an event with a made-up, increasing timestamp.</summary>
    public ScriptedQmpPeer Event(string name, JsonObject? data = null) => AddStep((run, token) =>
    {
        var microseconds = Interlocked.Increment(ref _eventClock);
        var message = new JsonObject
        {
            ["timestamp"] = new JsonObject { ["seconds"] = microseconds / 1_000_000, ["microseconds"] = microseconds % 1_000_000 },
            ["event"] = name,
        };
        if (data is not null)
        {
            message["data"] = data.DeepClone();
        }

        return run.Writer.WriteAsync(message, token).AsTask();
    });

    /// <summary>Reads the client's next message and checks it executes <paramref name="command"/> (and, if given, with exactly <paramref name="arguments"/>).</summary>
    /// <param name="command">The expected <c>execute</c> value.</param>
    /// <param name="arguments">The expected <c>arguments</c>, compared as JSON; <see langword="null"/> skips the check.</param>
    /// <param name="alias">The name <see cref="Reply"/> uses for this command's id; defaults to <paramref name="command"/>.</param>
    public ScriptedQmpPeer Expect(string command, JsonObject? arguments = null, string? alias = null) =>
        ExpectCore(command, arguments, checkArguments: arguments is not null, alias ?? command);

    /// <summary>Answers a command with <c>{"return": value}</c>; <paramref name="to"/> names it (default: the last one expected).</summary>
    public ScriptedQmpPeer Reply(JsonNode? value = null, string? to = null) => AddStep((run, token) =>
        run.Writer.WriteAsync(new JsonObject { ["return"] = value?.DeepClone() ?? new JsonObject(), ["id"] = IdOf(to) }, token).AsTask());

    /// <summary>Answers a command with <c>{"error": {"class": ..., "desc": ...}}</c>.</summary>
    public ScriptedQmpPeer ReplyError(string errorClass, string desc, string? to = null) => AddStep((run, token) =>
        run.Writer.WriteAsync(new JsonObject { ["id"] = IdOf(to), ["error"] = new JsonObject { ["class"] = errorClass, ["desc"] = desc } }, token).AsTask());

    /// <summary>Runs <paramref name="action"/> at this point, for example to wait until the test lets the peer go on.</summary>
    public ScriptedQmpPeer Do(Func<CancellationToken, Task> action) => AddStep((_, token) => action(token));

    /// <summary>Closes the stream cleanly (the client reads EOF) and ends the script.</summary>
    public ScriptedQmpPeer Close() => AddStep((run, _) =>
    {
        run.Ended = true;
        run.Stream.Dispose();
        return Task.CompletedTask;
    });

    /// <summary>Resets the connection (the client's read fails) and ends the script. Needs an <see cref="Streams.InMemoryDuplexStream"/>.</summary>
    public ScriptedQmpPeer Reset() => AddStep((run, _) =>
    {
        run.Ended = true;
        if (run.Stream is not Streams.InMemoryDuplexStream duplex)
        {
            throw new NotSupportedException($"ScriptedQmpPeer can only reset an InMemoryDuplexStream, not a {run.Stream.GetType().Name}.");
        }

        duplex.Reset();
        return Task.CompletedTask;
    });

    /// <summary>Stops answering: records whatever the client sends until it closes. A jammed QEMU.</summary>
    public ScriptedQmpPeer Hang() => AddStep(async (run, token) =>
    {
        run.Ended = true;
        try
        {
            while (await run.Reader.ReadAsync(token).ConfigureAwait(false) is { } message)
            {
                Record(message);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The client went away, which is the end of a hang.
        }
    });

    /// <summary>Runs the script on <paramref name="stream"/> (the server end), which it disposes at the end.</summary>
    /// <exception cref="InvalidOperationException">The client did not follow the script.</exception>
    public async Task RunAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new QmpFrameReader(stream);
        using var writer = new QmpFrameWriter(stream);
        var run = new Run(stream, reader, writer);
        try
        {
            foreach (var step in _steps)
            {
                await step(run, cancellationToken).ConfigureAwait(false);
                if (run.Ended)
                {
                    return;
                }
            }

            await ExpectCloseAsync(run, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts <see cref="RunAsync"/> on the thread pool and returns its task.</summary>
    public Task Start(Stream stream, CancellationToken cancellationToken = default) =>
        Task.Run(() => RunAsync(stream, cancellationToken), cancellationToken);

    private ScriptedQmpPeer ExpectCore(string command, JsonObject? arguments, bool checkArguments, string alias) => AddStep(async (run, token) =>
    {
        var message = await run.Reader.ReadAsync(token).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The client closed the QMP connection while the script expected '{command}'.");
        Record(message);
        var actual = message["execute"]?.GetValue<string>();
        if (actual != command)
        {
            throw new InvalidOperationException($"The script expected '{command}' but the client sent '{message.ToJsonString()}'.");
        }

        if (checkArguments && !JsonNode.DeepEquals(arguments, message["arguments"]))
        {
            throw new InvalidOperationException($"The script expected '{command}' with arguments '{arguments?.ToJsonString()}' but the client sent '{message.ToJsonString()}'.");
        }

        lock (_ids)
        {
            _ids[alias] = message["id"]?.DeepClone();
            _ids[string.Empty] = message["id"]?.DeepClone();
        }
    });

    private async Task ExpectCloseAsync(Run run, CancellationToken cancellationToken)
    {
        JsonObject? extra;
        try
        {
            extra = await run.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return;
        }

        if (extra is not null)
        {
            Record(extra);
            throw new InvalidOperationException($"The client sent '{extra.ToJsonString()}' after the script ended.");
        }
    }

    private JsonNode? IdOf(string? alias)
    {
        lock (_ids)
        {
            return _ids.TryGetValue(alias ?? string.Empty, out var id)
                ? id?.DeepClone()
                : throw new InvalidOperationException($"The script replies to '{alias}' before it expected that command.");
        }
    }

    private void Record(JsonObject message)
    {
        lock (_received)
        {
            _received.Add(message);
        }
    }

    private ScriptedQmpPeer AddStep(Func<Run, CancellationToken, Task> step)
    {
        _steps.Add(step);
        return this;
    }

    /// <summary>The state of one run of the script.</summary>
    private sealed class Run(Stream stream, QmpFrameReader reader, QmpFrameWriter writer)
    {
        public Stream Stream { get; } = stream;

        public QmpFrameReader Reader { get; } = reader;

        public QmpFrameWriter Writer { get; } = writer;

        public bool Ended { get; set; }
    }
}
