using Lodge.App.Guests;
using Lodge.Linux.Handoff;

namespace Lodge.App.Handoff;

/// <summary>A guest control that arms <see cref="GuestPowerOff"/> while the guest runs: from its start until it exits (or
/// the way back stops it), Ctrl-C and SIGTERM power it off through ACPI rather than cancel the handoff.</summary>
/// <param name="inner">The real guest control.</param>
/// <param name="powerOff">What Ctrl-C and SIGTERM do.</param>
/// <param name="target">The guest that runs now (after a switch, the one that holds the GPU).</param>
/// <param name="timeout">That guest's own <c>shutdown_timeout</c>; null (or a null answer): the power-off's own.</param>
public sealed class PowerOffGuest(IGuestControl inner, GuestPowerOff powerOff, Func<string?> target, Func<TimeSpan?>? timeout = null) : IGuestControl
{
    /// <summary>Arms <paramref name="powerOff"/> around <paramref name="running"/>: the guest that holds the GPU is
    /// <paramref name="first"/> until <paramref name="switcher"/> (when there is one) moves it, and each gets its own
    /// <c>shutdown_timeout</c>.</summary>
    public static PowerOffGuest For(IGuestControl running, GuestPowerOff powerOff, string first, Switching.GuestSwitcher? switcher) =>
        switcher is null
            ? new PowerOffGuest(running, powerOff, () => first)
            : new PowerOffGuest(running, powerOff, () => switcher.Holder, () => switcher.HolderShutdownTimeout);

    /// <inheritdoc/>
    public async Task StartAsync(string guest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(powerOff);
        await inner.StartAsync(guest, cancellationToken).ConfigureAwait(false);
        powerOff.Running(target, timeout ?? (() => null));
    }

    /// <inheritdoc/>
    public TimeSpan? StopWithin => inner.StopWithin;

    /// <inheritdoc/>
    public async Task StopAsync(string guest, CancellationToken cancellationToken = default)
    {
        // The way back stops the guest itself (the watchdog, a cancelled handoff): a Ctrl-C wait still under way ends
        // when QEMU is gone.
        powerOff.Stopped();
        await inner.StopAsync(guest, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            powerOff.Stopped();
        }
    }
}
