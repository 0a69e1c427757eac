using Lodge.Core.Runtime;
using Lodge.Linux.Processes;

namespace Lodge.Linux.Runtime;

/// <summary>A guest this lodge process started and supervises: when QEMU exits, its helpers are stopped (in reverse order) and its state is cleaned.</summary>
public sealed class RunningGuest
{
    private readonly GuestStateStore _store;
    private readonly TimeProvider _time;

    internal RunningGuest(LaunchSpec spec, GuestState state, SpawnedProcess qemu, IReadOnlyList<SpawnedProcess> helpers, GuestStateStore store, TimeProvider time)
    {
        Spec = spec;
        State = state;
        Qemu = qemu;
        Helpers = helpers;
        _store = store;
        _time = time;
        Exited = SuperviseAsync();
    }

    /// <summary>What was started.</summary>
    public LaunchSpec Spec { get; }

    /// <summary>The state as written to state.json when QMP answered.</summary>
    public GuestState State { get; }

    /// <summary>The QEMU process.</summary>
    public SpawnedProcess Qemu { get; }

    /// <summary>The helpers, in start order.</summary>
    public IReadOnlyList<SpawnedProcess> Helpers { get; }

    /// <summary>Completes once QEMU has exited and the helpers are stopped; says why QEMU ended.</summary>
    public Task<GuestExit> Exited { get; }

    /// <summary>How long QEMU has run.</summary>
    public TimeSpan Uptime => _time.GetUtcNow() - State.StartedAt;

    private async Task<GuestExit> SuperviseAsync()
    {
        var exit = await Qemu.Exited.ConfigureAwait(false);
        var uptime = Uptime;
        foreach (var helper in Helpers.Reverse())
        {
            // HOST EFFECT: stops a helper after QEMU; nothing restarts it until the next 'up'.
            await helper.StopAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        }

        _store.Clean(State);
        var tail = LogTail(Path.Combine(Spec.Layout.RunDir, "qemu.log"), 10);
        return new GuestExit(Spec.Machine, exit, tail, uptime);
    }

    /// <summary>The last <paramref name="count"/> non-empty lines of a log file.</summary>
    public static IReadOnlyList<string> LogTail(string path, int count)
    {
        try
        {
            return File.ReadAllLines(path).Where(l => l.Trim().Length > 0).TakeLast(count).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }
}
