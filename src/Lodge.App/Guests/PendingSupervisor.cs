using Lodge.Linux.Processes;

namespace Lodge.App.Guests;

/// <summary>A detached supervisor spawned ahead of its guest's plan, waiting on its <see cref="StartGate"/>
/// (<see cref="GuestService.SpawnSupervisor"/>). Disposing it without <see cref="Go"/> sends it away.</summary>
public sealed class PendingSupervisor : IDisposable
{
    private readonly StartGate _gate;

    internal PendingSupervisor(string machine, SpawnedProcess process, StartGate gate, IReadOnlyList<string> options)
    {
        Machine = machine;
        Process = process;
        _gate = gate;
        Options = options;
    }

    /// <summary>The machine it will supervise.</summary>
    public string Machine { get; }

    /// <summary>The options it was given (what a replacement gets).</summary>
    public IReadOnlyList<string> Options { get; }

    internal SpawnedProcess Process { get; }

    /// <summary>Tells it to start the guest from launch.json; false when it has ended already.</summary>
    internal bool Go() => !Process.Exited.IsCompleted && _gate.Open();

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();
}
