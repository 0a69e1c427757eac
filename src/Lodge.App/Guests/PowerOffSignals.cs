using System.Runtime.InteropServices;

namespace Lodge.App.Guests;

/// <summary>Routes Ctrl-C (SIGINT) and SIGTERM to a <see cref="GuestPowerOff"/> while it is registered: the first Ctrl-C
/// presses the ACPI power button and waits up to <c>shutdown_timeout</c>, a second forces the guest off; SIGTERM waits the
/// same and then, having said so, forces it off. Neither signal ends lodge itself.</summary>
/// <remarks>One path for every foreground guest: <c>lodge up</c> of a plain machine and the handoff's supervisor (where
/// <c>systemctl stop lodge-NAME</c> sends the SIGTERM).</remarks>
public sealed class PowerOffSignals : IDisposable
{
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    /// <summary>Registers both signals for <paramref name="powerOff"/>.</summary>
    /// <param name="powerOff">What the signals do while a guest runs.</param>
    /// <param name="noGuest">What a signal does when no guest runs (for a handoff: roll back what is under way); null: nothing.</param>
    public PowerOffSignals(GuestPowerOff powerOff, Action? noGuest = null)
    {
        ArgumentNullException.ThrowIfNull(powerOff);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Route(signal, powerOff.Interrupt, noGuest));
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Route(signal, powerOff.Terminate, noGuest));
    }

    /// <summary>Gives both signals back to their default handling.</summary>
    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
    }

    private static void Route(PosixSignalContext signal, Func<bool> guestRuns, Action? noGuest)
    {
        // Never die with a guest running: it must shut down (and, for a handoff, the GPU come back) first.
        signal.Cancel = true;
        if (!guestRuns())
        {
            noGuest?.Invoke();
        }
    }
}
