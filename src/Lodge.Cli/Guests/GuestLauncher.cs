using System.Runtime.InteropServices;
using Lodge.Core.Runtime;
using Lodge.Linux.Processes;
using Lodge.Linux.Runtime;
using Spectre.Console;

namespace Lodge.Cli.Guests;

/// <summary>Runs a <see cref="LaunchSpec"/> for <c>lodge up</c>: in the foreground with a live status line, or detached under a background supervisor.</summary>
/// <remarks>The lead wires <c>up NAME</c> here: plan the machine into a <see cref="LaunchSpec"/>, then call <see cref="RunForegroundAsync"/> or <see cref="StartDetachedAsync"/>.</remarks>
public sealed class GuestLauncher(CliContext context, GuestRuntime runtime)
{
    private static readonly TimeSpan CtrlCDownTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Starts the guest, shows where to connect and a live status line until QEMU exits; Ctrl-C powers it down through ACPI (twice: stops it hard).</summary>
    /// <returns>The exit code: 0 when the guest shut down cleanly, <see cref="ExitCodes.Error"/> when QEMU crashed.</returns>
    public async Task<int> RunForegroundAsync(LaunchSpec spec, CancellationToken cancellationToken = default)
    {
        var guest = await StartWithStatusAsync(spec, cancellationToken).ConfigureAwait(false);
        PrintRunning(spec, guest.Qemu.Pid, detached: false);
        var interrupts = 0;
        Task? down = null;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
        {
            signal.Cancel = true;
            var force = Interlocked.Increment(ref interrupts) > 1;
            context.Error.WriteLine(force ? $"Stopping '{spec.Machine}' hard." : $"Asking '{spec.Machine}' to power off through ACPI (Ctrl-C again to stop it hard).");
            down = runtime.DownAsync(spec.Machine, force ? TimeSpan.Zero : CtrlCDownTimeout, force, CancellationToken.None);
        });

        var exit = await WatchAsync(guest).ConfigureAwait(false);
        if (down is not null)
        {
            await down.ConfigureAwait(false);
        }

        return Report(exit);
    }

    /// <summary>Hands the spec to a detached <c>lodge supervise NAME</c> (its own session) and returns once QMP answers.</summary>
    /// <param name="superviseOptions">Extra options for <c>lodge supervise</c> (the outcome database and the report to complete).</param>
    public async Task<int> StartDetachedAsync(LaunchSpec spec, CancellationToken cancellationToken = default, IReadOnlyList<string>? superviseOptions = null)
    {
        runtime.CheckCanStart(spec);
        Directory.CreateDirectory(spec.Layout.RunDir);
        await File.WriteAllTextAsync(SpecPath(spec.Layout.RunDir), LaunchSpecJson.Write(spec), cancellationToken).ConfigureAwait(false);
        var log = Path.Combine(spec.Layout.RunDir, "supervisor.log");
        File.Delete(log);
        var self = Environment.ProcessPath ?? throw new GuestRuntimeException(spec.Machine, "Cannot find lodge's own executable to start a supervisor.");
        // HOST EFFECT: a background lodge that owns QEMU and its helpers until the guest stops.
        var supervisor = SpawnedProcess.Start([self, "supervise", spec.Machine, .. superviseOptions ?? []], log, newSession: true);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (runtime.Store.Read(spec.Machine) is { Phase: "running", Qemu: { } qemu })
            {
                PrintRunning(spec, qemu.Pid, detached: true);
                return ExitCodes.Ok;
            }

            if (supervisor.Exited.IsCompleted)
            {
                // Only the sentences: a stack trace (a bug in the supervisor) stays in the log, which the message names.
                var tail = RunningGuest.LogTail(log, 40).Where(l => !l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).TakeLast(8);
                throw new GuestRuntimeException(spec.Machine, $"The supervisor of '{spec.Machine}' stopped before the guest ran: {string.Join(" | ", tail)} (see {log}).");
            }

            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }

        throw new GuestRuntimeException(spec.Machine, $"Guest '{spec.Machine}' did not start within 90 s; see {log}.");
    }

    /// <summary>The body of the hidden <c>lodge supervise NAME</c>: starts the spec saved by <see cref="StartDetachedAsync"/> and waits for QEMU to exit.</summary>
    /// <param name="started">Called once QEMU runs; <paramref name="ended"/> once it has exited (the real end, for the outcome database).</param>
    public async Task<int> SuperviseAsync(string machine, CancellationToken cancellationToken = default, Action? started = null, Action<GuestExit>? ended = null)
    {
        var path = SpecPath(runtime.Store.Roots.RunDir(machine));
        var spec = LaunchSpecJson.Read(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);
        var guest = await runtime.StartAsync(spec, new Progress<string>(line => context.Out.WriteLine(line)), cancellationToken).ConfigureAwait(false);
        context.Out.WriteLine($"Supervising '{machine}' (QEMU pid {guest.Qemu.Pid}).");
        context.Out.Flush();
        started?.Invoke();
        var exit = await guest.Exited.ConfigureAwait(false);
        ended?.Invoke(exit);
        return Report(exit);
    }

    private async Task<RunningGuest> StartWithStatusAsync(LaunchSpec spec, CancellationToken cancellationToken)
    {
        RunningGuest? guest = null;
        await context.Console.Status().StartAsync($"Starting '{spec.Machine}'", async status =>
        {
            var progress = new Progress<string>(line => status.Status(Markup.Escape(line)));
            guest = await runtime.StartAsync(spec, progress, cancellationToken).ConfigureAwait(false);
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

    private void PrintRunning(LaunchSpec spec, int pid, bool detached)
    {
        context.Console.MarkupLine($"Guest [bold]{Markup.Escape(spec.Machine)}[/] is running (QEMU pid {pid}{(detached ? ", supervised in the background" : string.Empty)}).");
        foreach (var hint in spec.ConnectHints)
        {
            context.Console.WriteLine($"  {hint}");
        }

        if (spec.SerialSocket is not null)
        {
            context.Console.WriteLine($"  Serial console: lodge console {spec.Machine}");
        }

        context.Console.WriteLine($"  The argv is saved in {Path.Combine(spec.Layout.RunDir, "qemu.args")}; stop with 'lodge down {spec.Machine}'.");
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

    private static string SpecPath(string runDir) => Path.Combine(runDir, "launch.json");
}
