using Lodge.App.Guests;
using Lodge.Core.Runtime;
using Lodge.Linux.Runtime;
using Spectre.Console;

namespace Lodge.Cli.Guests;

/// <summary>Runs a <see cref="LaunchSpec"/> for <c>lodge up</c>: in the foreground with a live status line, or detached under a background supervisor.</summary>
/// <remarks>The rendering of <see cref="GuestService"/>'s start: the live status line, Ctrl-C, where to connect, how it ended.</remarks>
public sealed class GuestLauncher(CliContext context, GuestService guests)
{
    /// <summary>Starts the guest, shows where to connect and a live status line until QEMU exits. Ctrl-C asks it to shut
    /// down through ACPI and waits up to <paramref name="shutdownTimeout"/>; only a second Ctrl-C forces it off. SIGTERM
    /// waits the same and then forces it off, after saying so (see <see cref="GuestPowerOff"/>).</summary>
    /// <returns>The exit code: 0 when the guest shut down cleanly, <see cref="ExitCodes.Error"/> when QEMU crashed.</returns>
    public async Task<int> RunForegroundAsync(LaunchSpec spec, TimeSpan shutdownTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var guest = await StartWithStatusAsync(spec, cancellationToken).ConfigureAwait(false);
        var powerOff = new GuestPowerOff(guests.Runtime, shutdownTimeout, context.Error.WriteLine);
        powerOff.Running(() => spec.Machine);
        // Ctrl-C and SIGTERM (systemctl stop, a shutdown) go through the same ACPI wait of shutdown_timeout.
        using var signals = new PowerOffSignals(powerOff);

        // Said once Ctrl-C is the guest's power button (before, it stops the start and what it had started).
        PrintRunning(spec, guest.Qemu.Pid, detached: false);

        var exit = await WatchAsync(guest).ConfigureAwait(false);
        powerOff.Stopped();
        await powerOff.Completion.ConfigureAwait(false);
        return Report(exit);
    }

    /// <summary>Hands the spec to a detached <c>lodge supervise NAME</c> (its own session) and returns once QMP answers.</summary>
    /// <param name="superviseOptions">Extra options for <c>lodge supervise</c> (the outcome database and the report to complete).</param>
    /// <param name="spawned">Runs once the supervisor is spawned, while it starts the guest.</param>
    /// <param name="early">The supervisor spawned ahead of the plan, if any (<see cref="GuestService.SpawnSupervisor"/>).</param>
    public async Task<int> StartDetachedAsync(LaunchSpec spec, CancellationToken cancellationToken = default, IReadOnlyList<string>? superviseOptions = null, Action? spawned = null, PendingSupervisor? early = null)
    {
        var pid = await guests.StartDetachedAsync(spec, superviseOptions, cancellationToken, spawned, early).ConfigureAwait(false);
        PrintRunning(spec, pid, detached: true);
        return ExitCodes.Ok;
    }

    /// <summary>The body of the hidden <c>lodge supervise NAME</c>: starts the spec saved by <see cref="StartDetachedAsync"/> and waits for QEMU to exit.</summary>
    /// <param name="started">Called once QEMU runs; <paramref name="ended"/> once it has exited (the real end, for the outcome database).</param>
    public async Task<int> SuperviseAsync(string machine, CancellationToken cancellationToken = default, Action? started = null, Action<GuestExit>? ended = null)
    {
        var exit = await guests.SuperviseAsync(machine, new Progress<string>(line => context.Out.WriteLine(line)), guest =>
        {
            context.Out.WriteLine($"Supervising '{machine}' (QEMU pid {guest.Qemu.Pid}).");
            context.Out.Flush();
            started?.Invoke();
        }, cancellationToken).ConfigureAwait(false);
        ended?.Invoke(exit);
        return Report(exit);
    }

    private async Task<RunningGuest> StartWithStatusAsync(LaunchSpec spec, CancellationToken cancellationToken)
    {
        RunningGuest? guest = null;
        await context.Console.Status().StartAsync($"Starting '{spec.Machine}'", async status =>
        {
            var progress = new Progress<string>(line => status.Status(Markup.Escape(line)));
            guest = await guests.Runtime.StartAsync(spec, progress, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return guest!;
    }

    private async Task<GuestExit> WatchAsync(RunningGuest guest)
    {
        if (!context.Console.Profile.Capabilities.Interactive)
        {
            return await guest.Exited.ConfigureAwait(false);
        }

        GuestExit? exit = null;
        await context.Console.Status().StartAsync("running", async status =>
        {
            while (!guest.Exited.IsCompleted)
            {
                status.Status($"'{Markup.Escape(guest.Spec.Machine)}' running · QEMU pid {guest.Qemu.Pid} · up {guest.Uptime:hh\\:mm\\:ss} · Ctrl-C to power off");
                await Task.WhenAny(guest.Exited, Task.Delay(1000)).ConfigureAwait(false);
            }

            exit = await guest.Exited.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return exit!;
    }

    // Plain lines on standard output, flushed at once: the commands in them stay whole for copying (the terminal wraps
    // them, not a renderer), and a detached start never loads the rich console (about 20 ms of the wait measured here).
    private void PrintRunning(LaunchSpec spec, int pid, bool detached)
    {
        foreach (var line in GuestService.RunningLines(spec, pid, detached))
        {
            context.Out.WriteLine(line);
        }

        context.Out.Flush();
    }

    private int Report(GuestExit exit)
    {
        if (exit.Clean)
        {
            context.Console.WriteLine(exit.Describe());
            return ExitCodes.Ok;
        }

        context.Error.WriteLine($"Error: {exit.Describe()} Its helpers were stopped.");
        foreach (var line in exit.LogTail)
        {
            context.Error.WriteLine($"  qemu.log: {line}");
        }

        return ExitCodes.Error;
    }

}
