using Lodge.Core;
using Lodge.Core.Machines;
using Lodge.Core.Runtime;
using Lodge.Linux.Runtime;

namespace Lodge.Linux.Handoff;

/// <summary>The production <see cref="IGuestControl"/> of a handoff: starts the guest's <see cref="LaunchSpec"/> through
/// <see cref="GuestRuntime"/>, answers the watchdog over QMP, and stops it with ACPI, then <c>quit</c>.</summary>
/// <remarks>
/// <para>A stop that nobody can be asked about (the watchdog's, the way back's) presses the ACPI power button, waits up
/// to <see cref="AcpiTimeout"/> (the machine's <c>shutdown_timeout</c>), and only then, after saying so, forces the guest
/// off: the GPU must come back, and no one is at the keyboard to choose.</para>
/// <para>
/// The runtime writes <c>{RunDir}/qemu.pid</c> next to state.json, which is what <see cref="PidFileGuestControl"/> (rescue)
/// reads when this process is gone. One guest per instance: <see cref="StartAsync"/> runs the spec given at construction.
/// </para>
/// </remarks>
public sealed class RuntimeGuestControl(GuestRuntime runtime, LaunchSpec spec, IProgress<string>? progress = null) : IGuestControl
{
    private RunningGuest? _guest;

    /// <summary>How long a force-off may take once decided: QMP <c>quit</c>, SIGTERM and SIGKILL (5 s each), the supervisor's
    /// clean-up, with room for a loaded machine.</summary>
    public static readonly TimeSpan ForceOffWithin = TimeSpan.FromSeconds(60);

    /// <summary>How long the guest gets to power off after the ACPI button before QEMU is told to quit (then killed): the
    /// machine's <c>shutdown_timeout</c> (default 300 s).</summary>
    public TimeSpan AcpiTimeout { get; init; } = TimeSpan.FromSeconds(MachineConfig.DefaultShutdownTimeoutSeconds);

    /// <summary>Hears what a stop does before it is done (the ACPI wait, a force-off); optional.</summary>
    public Action<string>? Say { get; init; }

    /// <inheritdoc/>
    public TimeSpan? StopWithin => AcpiTimeout + ForceOffWithin;

    /// <summary>The launch spec this control starts.</summary>
    public LaunchSpec Spec => spec;

    /// <summary>Called once QEMU answers QMP (e.g. to print where to connect); optional.</summary>
    public Action<RunningGuest>? Started { get; init; }

    /// <summary>The running guest once started; null before.</summary>
    public RunningGuest? Guest => _guest;

    /// <summary>How the guest ended, once it has; null while it runs or when it never started.</summary>
    public GuestExit? Exit => _guest?.Exited is { IsCompletedSuccessfully: true } exited ? exited.Result : null;

    /// <inheritdoc/>
    public async Task StartAsync(string guest, CancellationToken cancellationToken = default)
    {
        if (_guest is not null)
        {
            throw new InvalidStateException($"Guest '{guest}' was already started by this handoff.", "started", "not started");
        }

        // HOST EFFECT: QEMU (and its helpers) start with the GPU; undone by StopAsync.
        _guest = await runtime.StartAsync(spec, progress, cancellationToken).ConfigureAwait(false);
        Started?.Invoke(_guest);
    }

    /// <inheritdoc/>
    public async Task StopAsync(string guest, CancellationToken cancellationToken = default)
    {
        if (_guest is { Exited.IsCompleted: true })
        {
            return;
        }

        var machine = spec.Machine;
        var seconds = AcpiTimeout.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture);
        Say?.Invoke($"Asking '{machine}' to power off through ACPI; waiting up to {seconds} s for it to shut down (shutdown_timeout), then forcing it off.");
        var gone = false;
        var said = false;
        try
        {
            // HOST EFFECT: presses the guest's ACPI power button; the guest decides to power off.
            gone = (await runtime.DownAsync(machine, AcpiTimeout, force: false, cancellationToken).ConfigureAwait(false)).Outcome is not DownOutcome.StillRunning;
        }
        catch (GuestRuntimeException e)
        {
            // QMP gone or stuck: the power button cannot be pressed, and the GPU must still come back.
            Say?.Invoke($"{e.Message} Forcing it off now.");
            said = true;
        }

        if (!gone)
        {
            if (!said)
            {
                Say?.Invoke($"'{machine}' did not shut down within {seconds} s; forcing it off now.");
            }

            // HOST EFFECT: QMP quit, then SIGTERM and SIGKILL of that QEMU only; the guest loses what it had not written.
            await runtime.DownAsync(machine, TimeSpan.Zero, force: true, cancellationToken).ConfigureAwait(false);
        }

        if (_guest is { } running)
        {
            // The supervision task stops the helpers and cleans state.json once QEMU is gone.
            await running.Exited.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) =>
        _guest is { } running ? running.Exited.WaitAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>The watchdog's QMP check: <c>query-status</c> answers <c>running</c>.</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken = default)
    {
        if (_guest is not { Exited.IsCompleted: false } running)
        {
            return false;
        }

        await using var client = await GuestRuntime.ConnectAsync(running.State, cancellationToken).ConfigureAwait(false);
        return (await client.QueryStatusAsync(cancellationToken).ConfigureAwait(false)).Running;
    }
}
