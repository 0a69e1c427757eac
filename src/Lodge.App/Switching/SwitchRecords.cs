using System.Collections.Concurrent;
using Lodge.App.Reports;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Reports;

namespace Lodge.App.Switching;

/// <summary>The outcome reports of a handoff whose GPU moves between guests (<c>lodge switch</c>): every guest a switch
/// starts gets its own report, as <c>lodge up</c> gives one, through the same <see cref="OutcomeRecorder"/>.</summary>
/// <remarks>
/// <para>A guest that powers off for a switch ran and stopped when asked: its run worked. A guest a switch could not start
/// (or could not start again) failed at "start" with why. The guest that holds the GPU when the handoff ends gets the
/// handoff's own result (its health, the way back); when no guest holds it (both failed and the host took the GPU back),
/// the failed starts learn whether the host got everything back.</para>
/// <para>Without a switch nothing here records: the handoff records its one guest as before.</para>
/// </remarks>
public sealed class SwitchRecords
{
    private readonly OutcomeRecorder _recorder;
    private readonly HostSnapshot _host;
    private readonly PciDevice? _gpu;
    private readonly IReadOnlyDictionary<string, string> _resolved;
    private readonly ConcurrentDictionary<string, MachineConfig> _machines = new(StringComparer.Ordinal);
    private readonly List<(string Machine, long Id, ReportResult Result)> _failedSinceHolder = [];
    private readonly Lock _gate = new();

    /// <summary>Records through <paramref name="recorder"/> against <paramref name="host"/> and <paramref name="gpu"/>; the
    /// handoff starts with <paramref name="first"/>.</summary>
    public SwitchRecords(OutcomeRecorder recorder, HostSnapshot host, PciDevice? gpu, IReadOnlyDictionary<string, string> resolved, MachineConfig first)
    {
        ArgumentNullException.ThrowIfNull(first);
        _recorder = recorder;
        _host = host;
        _gpu = gpu;
        _resolved = resolved;
        _machines[first.Name] = first;
        Holder = first.Name;
    }

    /// <summary>Whether any guest powered off for a switch (then the handoff's end is recorded here, not as one guest's run).</summary>
    public bool Switched { get; private set; }

    /// <summary>The guest that holds the GPU now; null after a switch in which neither guest started.</summary>
    public string? Holder { get; private set; }

    /// <summary>A machine a switch planned (its definition is what its report records).</summary>
    public void Planned(MachineConfig machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        _machines[machine.Name] = machine;
    }

    /// <summary><paramref name="machine"/> powered off to give the GPU to another guest: its run worked.</summary>
    public void SwitchedAway(string machine)
    {
        lock (_gate)
        {
            Switched = true;
            Holder = null;
            _failedSinceHolder.Clear();
        }

        Record(machine, new ReportResult(true, true, null, null, null));
    }

    /// <summary>A switch started <paramref name="machine"/> (or started it again): null when it runs with the GPU, else why not.</summary>
    public void StartTried(string machine, string? failure)
    {
        if (failure is null)
        {
            lock (_gate)
            {
                Holder = machine;
                _failedSinceHolder.Clear();
            }

            return;
        }

        var result = new ReportResult(false, false, null, "start", $"'lodge switch' could not start it with the GPU: {failure}");
        if (Record(machine, result) is { } id)
        {
            lock (_gate)
            {
                _failedSinceHolder.Add((machine, id, result));
            }
        }
    }

    /// <summary>The handoff ended with <paramref name="result"/> (its health, the way back): the guest that held the GPU last
    /// gets it; with none, the starts that failed last learn whether the host got everything back.</summary>
    public void Ended(ReportResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Holder is { } holder)
        {
            Record(holder, result);
            return;
        }

        foreach (var (machine, id, failed) in _failedSinceHolder)
        {
            _recorder.Update(machine, id, failed with { HandoffClean = result.HandoffClean });
        }
    }

    private long? Record(string machine, ReportResult result) =>
        _machines.TryGetValue(machine, out var config) ? _recorder.Record(_host, config, _gpu, result, _resolved) : null;
}
