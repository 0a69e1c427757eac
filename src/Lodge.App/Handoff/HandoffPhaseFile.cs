using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodge.Linux.Runtime;

namespace Lodge.App.Handoff;

/// <summary>Where a supervised handoff is: <c>RUN_ROOT/NAME/handoff.json</c>, written by the supervisor at every phase and
/// read by the command that follows it and by <c>lodge status NAME</c>.</summary>
/// <remarks>Phases: <c>starting</c>, <c>handing-over</c>, <c>running</c> (the guest has the GPU), <c>giving-back</c>,
/// <c>ended</c> (with the supervisor's exit code). Written atomically, so a reader never sees half a record.</remarks>
public sealed class HandoffPhaseFile(RuntimeRoots roots, string machine)
{
    /// <summary>The supervisor started and plans the handoff.</summary>
    public const string Starting = "starting";

    /// <summary>The steps up to the guest's start run.</summary>
    public const string HandingOver = "handing-over";

    /// <summary>The guest runs with the GPU.</summary>
    public const string Running = "running";

    /// <summary>The guest stopped; the way back runs.</summary>
    public const string GivingBack = "giving-back";

    /// <summary>The supervisor finished (see <see cref="HandoffPhase.ExitCode"/>).</summary>
    public const string Ended = "ended";

    /// <summary>The file.</summary>
    public string Path => System.IO.Path.Combine(roots.RunDir(machine), "handoff.json");

    /// <summary>The supervisor's log (its standard output and error), next to the file.</summary>
    public string LogPath => System.IO.Path.Combine(roots.RunDir(machine), "handoff.log");

    /// <summary>Records <paramref name="phase"/> for supervisor <paramref name="pid"/>.</summary>
    public void Write(int pid, string phase, string? unit, int? exitCode, DateTimeOffset now)
    {
        var json = new JsonObject
        {
            ["machine"] = machine,
            ["pid"] = pid,
            ["phase"] = phase,
            ["unit"] = unit,
            ["exitCode"] = exitCode,
            ["log"] = LogPath,
            ["updated"] = now.ToString("O", CultureInfo.InvariantCulture),
        };
        Directory.CreateDirectory(roots.RunDir(machine));
        AtomicFile.WriteText(Path, json.ToJsonString() + "\n");
    }

    /// <summary>The last phase written; null when there is none or it cannot be read.</summary>
    public HandoffPhase? Read()
    {
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(Path));
            return node is null ? null : new HandoffPhase(
                (int)node["pid"]!,
                (string)node["phase"]!,
                (string?)node["unit"],
                (int?)node["exitCode"],
                (string?)node["log"] ?? LogPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            return null;
        }
    }

    /// <summary>Whether the supervisor of <paramref name="phase"/> still runs (its /proc entry names lodge).</summary>
    public static bool SupervisorAlive(HandoffPhase phase)
    {
        ArgumentNullException.ThrowIfNull(phase);
        // /proc/PID/cmdline: NUL-separated argv; a reused pid of another program does not count. Processes live on the
        // running system, never below --root.
        return new Linux.HostRoot("/").ReadAttribute($"/proc/{phase.Pid.ToString(CultureInfo.InvariantCulture)}/cmdline") is { } cmdline
            && cmdline.Contains("handoff-supervise", StringComparison.Ordinal);
    }
}
