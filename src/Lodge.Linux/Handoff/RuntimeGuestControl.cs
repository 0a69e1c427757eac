using Lodge.Core;
using Lodge.Core.Runtime;
using Lodge.Linux.Runtime;

namespace Lodge.Linux.Handoff;

/// <summary>The production <see cref="IGuestControl"/> of a handoff: starts the guest's <see cref="LaunchSpec"/> through
/// <see cref="GuestRuntime"/>, answers the watchdog over QMP, and stops it with ACPI, then <c>quit</c>.</summary>
/// <remarks>
/// The runtime writes <c>{RunDir}/qemu.pid</c> next to state.json, which is what <see cref="PidFileGuestControl"/> (rescue)
/// reads when this process is gone. One guest per instance: <see cref="StartAsync"/> runs the spec given at construction.
/// </remarks>
public sealed class RuntimeGuestControl(GuestRuntime runtime, LaunchSpec spec, IProgress<string>? progress = null) : IGuestControl
{
    private RunningGuest? _guest;

    /// <summary>How long the guest gets to power off after the ACPI button before QEMU is told to quit (then killed).</summary>
    public TimeSpan AcpiTimeout { get; init; } = TimeSpan.FromSeconds(40);

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

        // HOST EFFECT: ACPI power-down, then QMP quit and SIGKILL; the way back (the GPU's undos) follows.
        await runtime.DownAsync(spec.Machine, AcpiTimeout, force: true, cancellationToken).ConfigureAwait(false);
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
