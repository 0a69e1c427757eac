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

    /// <summary>Reads back what an undo restored (driver, driver_override, vtconsole, framebuffer) through the kernel's
    /// files; null when this host cannot (then the way back trusts each write it made).</summary>
    public KernelReadBack? ReadBack { get; init; }

    /// <summary>Whether the process that made a stuck write (pid, start time) still runs; by default read from /proc.</summary>
    public Func<int, long, bool> WriterAlive { get; init; } = Processes.ProcessTable.IsAlive;

    /// <summary>How long the check after the display manager stopped scans again for the card and its audio to be let go.</summary>
    public TimeSpan ReleaseWait { get; init; } = Core.Handoff.HandoffOperation.ReleaseWait;

    /// <summary>Whether a module is loaded now (null: unknown); by default read from <c>/proc/modules</c> of the real root.</summary>
    public Func<string, bool?> ModuleLoaded { get; init; } = module => ProcModules(new HostRoot("/"), module);

    /// <summary>The loaded modules with their users (null: unknown); by default read from <c>/proc/modules</c> of the real root.</summary>
    public Func<IReadOnlyList<Core.Hardware.LoadedModule>?> LoadedModules { get; init; } = () => ProcModules(new HostRoot("/"));

    /// <summary>The modules <paramref name="root"/>'s <c>/proc/modules</c> lists, with their users; null when unreadable.</summary>
    public static IReadOnlyList<Core.Hardware.LoadedModule>? ProcModules(HostRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Sysfs.SysfsScanner.ParseModules(root.ReadText("/proc/modules"));
    }

    /// <summary>Whether <paramref name="module"/> is listed in <paramref name="root"/>'s <c>/proc/modules</c>; null when unreadable.</summary>
    public static bool? ProcModules(HostRoot root, string module)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.ReadText("/proc/modules") is { } text
            ? text.Split('\n').Any(l => l.StartsWith(module + " ", StringComparison.Ordinal))
            : null;
    }

    /// <summary>The unit control in use: <see cref="Services"/>, else the display manager's control when it is one.</summary>
    public IServiceControl ServiceControl => Services ?? DisplayManager as IServiceControl
        ?? throw new InvalidOperationException("This host has no way to stop or start a systemd unit.");
}
