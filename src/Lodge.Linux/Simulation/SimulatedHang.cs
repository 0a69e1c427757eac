namespace Lodge.Linux.Simulation;

/// <summary>A hang injected with <see cref="SimulatedKernel.HangOn"/>: the action blocks until <see cref="Release"/> (or forever).</summary>
public sealed class SimulatedHang
{
    private readonly ManualResetEventSlim _released = new(false);

    /// <summary>True once an action has started hanging here.</summary>
    public bool Hit { get; private set; }

    /// <summary>Lets the hung action go on (it then completes, late, as a stuck kernel write would).</summary>
    public void Release() => _released.Set();

    internal void Wait()
    {
        Hit = true;
        _released.Wait();
    }
}
