namespace Lodge.Core.Handoff;

/// <summary>How long each kind of step may take before it is abandoned and the handoff rolls back.</summary>
/// <remarks>Unbinding an NVIDIA GPU that is held blocks forever, so no step is allowed to wait without a limit.</remarks>
public sealed record HandoffTimeouts
{
    /// <summary>sysfs writes: bind, driver_override, drivers_probe, reset_method, vtconsole, framebuffer.</summary>
    public TimeSpan Sysfs { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unbinding a PCI device (the driver's remove() can wait for its users).</summary>
    public TimeSpan Unbind { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary><c>modprobe</c> and <c>modprobe -r</c>.</summary>
    public TimeSpan Module { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Stopping or starting the display manager, and the holder scan.</summary>
    public TimeSpan Service { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Starting or stopping the guest.</summary>
    /// <remarks>Six minutes: the runtime itself gives a living QEMU five minutes to answer QMP (it preallocates guest
    /// RAM and maps its devices first, which takes minutes for a large guest on a busy host, as lab 10 found) and then
    /// stops it with a sentence; this limit only catches a start that never returns. A guest's stop waits as long as
    /// its own <c>shutdown_timeout</c> allows (<c>IGuestControl.StopWithin</c>), whichever is longer.</remarks>
    public TimeSpan Guest { get; init; } = TimeSpan.FromMinutes(6);

    /// <summary>Every kind of step gets <paramref name="timeout"/> (tests use 100–200 ms).</summary>
    public static HandoffTimeouts All(TimeSpan timeout) =>
        new() { Sysfs = timeout, Unbind = timeout, Module = timeout, Service = timeout, Guest = timeout };
}
