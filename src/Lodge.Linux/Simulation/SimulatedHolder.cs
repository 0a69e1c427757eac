using Lodge.Core.Hardware;

namespace Lodge.Linux.Simulation;

/// <summary>A simulated process that holds a device open (<c>/dev/dri/card0</c>, <c>/dev/nvidia0</c>); disposing it lets go.</summary>
/// <remarks>While it holds, an unbind of the device blocks and the module of its driver stays in use.</remarks>
public sealed class SimulatedHolder : IDisposable
{
    private readonly Action<SimulatedHolder> _release;

    internal SimulatedHolder(PciAddress address, string process, Action<SimulatedHolder> release)
    {
        Address = address;
        Process = process;
        _release = release;
    }

    /// <summary>The held device.</summary>
    public PciAddress Address { get; }

    /// <summary>Who holds it, e.g. <c>Xorg (pid 1234)</c>.</summary>
    public string Process { get; }

    /// <summary>True for a process of the display manager's sessions (a greeter, a compositor, PipeWire under the session
    /// user's manager): the pre-flight lets it hold the card until the display manager stops.</summary>
    public bool EndsWithDisplayManager { get; init; }

    /// <summary>Closes the device.</summary>
    public void Dispose() => _release(this);
}
