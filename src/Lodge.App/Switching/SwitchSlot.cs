using Lodge.Linux.Handoff;

namespace Lodge.App.Switching;

/// <summary>One guest that can hold the GPU in a switch: how to start it, ask it to power off, force it off, and tell it is healthy.</summary>
/// <param name="Name">The machine.</param>
/// <param name="Control">Starts it (once), stops it (ACPI, then hard), and says when it has exited.</param>
/// <param name="Health">How it shows it is healthy, and within how long; null trusts it once it starts.</param>
/// <param name="ShutdownTimeout">How long it has to power off through ACPI before the user is asked about a force-off.</param>
/// <param name="Shutdown">Presses the ACPI power button and waits up to the timeout; true when it is gone.</param>
/// <param name="ForceOff">Stops it hard (QMP quit, then SIGKILL).</param>
public sealed record SwitchSlot(
    string Name,
    IGuestControl Control,
    GuestHealth? Health,
    TimeSpan ShutdownTimeout,
    Func<TimeSpan, CancellationToken, Task<bool>> Shutdown,
    Func<CancellationToken, Task> ForceOff)
{
    /// <summary>The USB devices the machine's definition names, spelled as <see cref="Guests.HotPluggedUsb.Key"/> does.</summary>
    public IReadOnlyList<string> DefinedUsb { get; init; } = [];

    /// <summary>The USB devices given to it at run time (<c>lodge usb attach</c>), read when asked.</summary>
    public Func<IReadOnlyList<string>> HotPlugged { get; init; } = () => [];
}
