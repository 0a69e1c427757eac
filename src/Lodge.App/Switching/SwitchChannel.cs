using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Lodge.Core;
using Lodge.Linux.Processes;
using Lodge.Linux.Runtime;

namespace Lodge.App.Switching;

/// <summary>How <c>lodge switch NAME</c> (or the dashboard) reaches the process that runs the handoff, through three small
/// files in <c>RUN_ROOT/switch/</c>: <c>holder.json</c> (which guest holds which GPU, and the pid that runs the handoff),
/// <c>request.json</c> (the switch asked for) and <c>status.json</c> (its progress lines and its end).</summary>
/// <remarks>The switch runs in the handoff's process, so a requester that goes away (a browser inside the guest being shut
/// down, a killed <c>lodge switch</c>) does not stop it. Every file is written whole (temporary file and rename).</remarks>
public sealed class SwitchChannel(string runRoot, TimeProvider time)
{
    /// <summary>How often the handoff process looks for a request, and the requester for progress.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);

    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private string? _active;

    private string Folder => Path.Combine(runRoot, "switch");

    private string HolderFile => Path.Combine(Folder, "holder.json");

    private string RequestFile => Path.Combine(Folder, "request.json");

    private string StatusFile => Path.Combine(Folder, "status.json");

    /// <summary>The guest that holds a handed-off GPU now, with that GPU, when a live lodge runs the handoff; else null.</summary>
    public (string Holder, string Gpu)? Holder()
    {
        var node = Read(HolderFile);
        if (node?["holder"]?.GetValue<string>() is not { } holder || node["gpu"]?.GetValue<string>() is not { } gpu
            || node["pid"]?.GetValue<int>() is not { } pid || node["startTicks"]?.GetValue<long>() is not { } ticks)
        {
            return null;
        }

        return ProcessTable.IsAlive(pid, ticks) ? (holder, gpu) : null;
    }

    /// <summary>The handoff process says which guest holds <paramref name="gpu"/> (again after every switch).</summary>
    public void Announce(string holder, string gpu)
    {
        var pid = Environment.ProcessId;
        var node = new JsonObject { ["holder"] = holder, ["gpu"] = gpu, ["pid"] = pid, ["startTicks"] = ProcessTable.StartTicks(pid) ?? 0 };
        Directory.CreateDirectory(Folder);
        AtomicFile.WriteText(HolderFile, node.ToJsonString());
    }

    /// <summary>The handoff ended: no guest holds the GPU through this process any more.</summary>
    public void Withdraw()
    {
        if (Directory.Exists(Folder))
        {
            File.Delete(HolderFile);
            File.Delete(RequestFile);
        }
    }

    /// <summary>A progress line of the switch that runs now (kept in <c>status.json</c> for the requester).</summary>
    public void Progress(string line)
    {
        lock (_gate)
        {
            if (_active is null)
            {
                return;
            }

            _lines.Add(line);
            WriteStatus(null);
        }
    }

    /// <summary>The handoff process: runs every request that arrives with <paramref name="switcher"/> until cancelled.</summary>
    public async Task ListenAsync(GuestSwitcher switcher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(switcher);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var request = Read(RequestFile);
            if (request?["id"]?.GetValue<string>() is not { } id || request["to"]?.GetValue<string>() is not { } to)
            {
                continue;
            }

            File.Delete(RequestFile);
            lock (_gate)
            {
                _active = id;
                _lines.Clear();
                WriteStatus(null);
            }

            var result = await switcher.SwitchAsync(to, request["force"]?.GetValue<bool>() ?? false, CancellationToken.None).ConfigureAwait(false);
            lock (_gate)
            {
                WriteStatus(result);
                _active = null;
            }
        }
    }

    /// <summary>The requester: asks for a switch to <paramref name="to"/> and follows it until it ends.</summary>
    /// <param name="onLine">Receives each progress line once.</param>
    /// <param name="limit">How long to follow it (a switch takes the old guest's shutdown plus the new guest's start).</param>
    public async Task<SwitchResult> RequestAsync(string to, bool force, Action<string> onLine, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onLine);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        Directory.CreateDirectory(Folder);
        AtomicFile.WriteText(RequestFile, new JsonObject { ["id"] = id, ["to"] = to, ["force"] = force }.ToJsonString());
        var shown = 0;
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < limit)
        {
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            var status = Read(StatusFile);
            if (status?["id"]?.GetValue<string>() != id)
            {
                if (Holder() is null)
                {
                    throw new InvalidStateException("The lodge that ran the handoff ended before it took the switch request.", "no handoff", "handoff running")
                    {
                        Hint = $"Run 'lodge switch {to}' again: with no guest holding the GPU it starts '{to}' itself.",
                    };
                }

                continue;
            }

            var lines = status["lines"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
            foreach (var line in lines.Skip(shown))
            {
                onLine(line);
            }

            shown = lines.Count;
            if (status["outcome"]?.GetValue<string>() is { } outcome)
            {
                return new SwitchResult(Enum.Parse<SwitchOutcome>(outcome), status["holder"]?.GetValue<string>(), status["message"]!.GetValue<string>(), status["hint"]?.GetValue<string>());
            }
        }

        throw new InvalidStateException($"The switch to '{to}' did not end within {limit.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} minutes; it goes on in the lodge that runs the handoff.", "switching", "switched")
        {
            Hint = "Run 'lodge status' to see which guest runs.",
        };
    }

    private void WriteStatus(SwitchResult? result)
    {
        var node = new JsonObject
        {
            ["id"] = _active,
            ["lines"] = new JsonArray([.. _lines.Select(l => (JsonNode)JsonValue.Create(l))]),
        };
        if (result is not null)
        {
            node["outcome"] = result.Outcome.ToString();
            node["holder"] = result.Holder;
            node["message"] = result.Message;
            node["hint"] = result.Hint;
        }

        Directory.CreateDirectory(Folder);
        AtomicFile.WriteText(StatusFile, node.ToJsonString());
    }

    private static JsonNode? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
