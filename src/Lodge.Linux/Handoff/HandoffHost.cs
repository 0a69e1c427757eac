using Lodge.Linux.Host;

namespace Lodge.Linux.Handoff;

/// <summary>Everything a handoff acts through: the narrow host-write interfaces, the guest, the holder scan, and a log.</summary>
/// <param name="Log">Receives one Information line per host mutation (device and both drivers), so a failed handoff can be reconstructed.</param>
public sealed record HandoffHost(
    IDriverControl Drivers,
    IConsoleControl Consoles,
    IResetMethodControl ResetMethods,
    IModuleControl Modules,
    IDisplayManagerControl DisplayManager,
    IGuestControl Guest,
    HolderScan Holders,
    Action<string> Log)
{
    /// <summary>Stops and starts other units (nvidia-persistenced); null means the display manager's control, when it can.</summary>
    public IServiceControl? Services { get; init; }

    /// <summary>The unit control in use: <see cref="Services"/>, else the display manager's control when it is one.</summary>
    public IServiceControl ServiceControl => Services ?? DisplayManager as IServiceControl
        ?? throw new InvalidOperationException("This host has no way to stop or start a systemd unit.");
}
