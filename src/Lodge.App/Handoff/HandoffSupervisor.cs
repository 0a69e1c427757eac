using System.Globalization;
using Lodge.Core;
using Lodge.Core.Handoff;
using Lodge.Linux.Processes;

namespace Lodge.App.Handoff;

/// <summary>Starts a handoff's supervisor outside the caller's session and follows it: what <c>lodge up NAME</c> does for a
/// machine that hands its GPU to the guest (issue 13, item 3).</summary>
/// <remarks>
/// Stopping the display manager kills a desktop terminal, and SIGHUP kills what runs in it. So the handoff runs in
/// <c>lodge handoff-supervise NAME</c>: a transient unit <c>lodge-NAME.service</c> when systemd is the init system (so
/// <c>systemctl status lodge-NAME</c> shows it, and <c>systemctl stop</c> powers the guest off and gives the GPU back),
/// else a process in a session of its own (setsid) whose parent becomes init when the caller dies. Either way it writes
/// its output to <c>handoff.log</c> and its phase to <c>handoff.json</c> in the machine's run folder; the caller only
/// reads them, and may die at any moment without harm.
/// </remarks>
public sealed class HandoffSupervisor(LodgeHost host, string machine)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>The machine's phase file.</summary>
    public HandoffPhaseFile Phase { get; } = new(host?.Paths.Roots ?? throw new ArgumentNullException(nameof(host)), machine);

    /// <summary>Whether systemd runs this system (sd_booted(3): <c>/run/systemd/system</c> exists); processes and units live
    /// on the running system, never below <c>--root</c>.</summary>
    public static bool SystemdIsInit() => Directory.Exists("/run/systemd/system");

    /// <summary>Starts <c>lodge handoff-supervise NAME ARGS</c>; refuses while another supervisor of the machine runs.</summary>
    /// <param name="arguments">The supervisor's arguments after its name (absolute paths only: a unit starts in /).</param>
    /// <param name="stopWithin">How long a <c>systemctl stop</c> may take: the guest's ACPI shutdown plus the way back.</param>
    /// <returns>The unit's name, or null for a setsid supervisor.</returns>
    public async Task<string?> StartAsync(IReadOnlyList<string> arguments, TimeSpan stopWithin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (Phase.Read() is { } earlier && earlier.Phase != HandoffPhaseFile.Ended && HandoffPhaseFile.SupervisorAlive(earlier))
        {
            throw new InvalidStateException($"The GPU of '{machine}' is already handed off by supervisor pid {earlier.Pid} (phase '{earlier.Phase}').", earlier.Phase, "no handoff")
            {
                Hint = $"Run 'lodge status {machine}' to follow it, or 'lodge down {machine}' to stop the guest and get the GPU back.",
            };
        }

        var self = host.Executable ?? throw new InvalidStateException("Cannot find lodge's own executable to start the handoff's supervisor.", "unknown", "known");
        Directory.CreateDirectory(Path.GetDirectoryName(Phase.Path)!);
        File.Delete(Phase.LogPath);
        File.Delete(Phase.Path);
        string[] command = [self, "handoff-supervise", machine, .. arguments];
        if (SystemdIsInit())
        {
            var unit = HandoffSupervisorCommand.UnitName(machine);
            var argv = HandoffSupervisorCommand.SystemdRun(machine, command, Phase.LogPath, Passed(), stopWithin);

            // HOST EFFECT: a transient unit lodge-NAME.service runs the handoff; it ends when the GPU is back (or 'systemctl stop').
            var result = await host.Runner.RunAsync(argv[0], [.. argv.Skip(1)], TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0 || result.TimedOut)
            {
                throw new InvalidStateException($"systemd-run could not start '{unit}.service' for the handoff of '{machine}': {result.StandardError.Trim()}", "not started", "started")
                {
                    Hint = $"Check 'systemctl status {unit}'; a unit of that name left from an earlier run goes with 'systemctl reset-failed {unit}'.",
                };
            }

            return unit;
        }

        // HOST EFFECT: a lodge in a session of its own runs the handoff and the way back; it ends when the GPU is back.
        _ = SpawnedProcess.Start(command, Phase.LogPath, newSession: true, Passed());
        return null;
    }

    /// <summary>How long <c>systemctl stop lodge-NAME</c> may take beyond the guest's ACPI shutdown: the way back.</summary>
    public static readonly TimeSpan WayBack = TimeSpan.FromMinutes(5);

    /// <summary><c>lodge up NAME</c> of a machine that hands its GPU over: starts <c>lodge handoff-supervise NAME</c> with
    /// this host's root, machine folder and outcome database (absolute paths) and the options given; returns the unit's
    /// name, or null for a setsid supervisor. The handoff, the guest's life and the way back run there: the caller (a
    /// terminal, <c>lodge serve</c>) may go away at any moment.</summary>
    /// <param name="machine">The machine, as planned (its shutdown timeout bounds a <c>systemctl stop</c>).</param>
    /// <param name="options">The flags passed on: <c>--stop-holders</c>, <c>--tcg</c>, <c>--reset-nvram</c>, <c>--simulated-host</c>.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public Task<string?> StartUpAsync(Core.Machines.MachineConfig machine, IEnumerable<string> options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machine);
        List<string> arguments = ["--root", host.Root.Path, "--config-dir", Path.GetFullPath(host.Paths.ConfigDir), "--reports-db", Path.GetFullPath(host.Paths.ReportsDatabase), .. options];
        return StartAsync(arguments, TimeSpan.FromSeconds(machine.ShutdownTimeoutSeconds) + WayBack, cancellationToken);
    }

    /// <summary>Copies the supervisor's log to <paramref name="write"/> as it grows, until the handoff ends (or, with
    /// <paramref name="untilRunning"/>, until the guest runs); returns the supervisor's exit code (0 for a running guest).</summary>
    /// <param name="interrupts">How often the user pressed Ctrl-C: each press goes on to the supervisor as SIGINT (the first
    /// asks the guest to shut down through ACPI, a second forces it off), and following goes on until the GPU is back.</param>
    public async Task<int> FollowAsync(Action<string> write, bool untilRunning, Func<int> interrupts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(interrupts);
        long offset = 0;
        var pending = string.Empty;
        var passed = 0;
        var startedAt = host.Time.GetTimestamp();
        while (true)
        {
            (offset, pending) = Copy(offset, pending, write);
            var phase = Phase.Read();
            if (phase is { Phase: HandoffPhaseFile.Ended })
            {
                (_, pending) = Copy(offset, pending, write);
                if (pending.Length > 0)
                {
                    write(pending);
                }

                return phase.ExitCode ?? 1;
            }

            while (phase is not null && passed < interrupts())
            {
                passed++;

                // HOST EFFECT: passes the Ctrl-C on to the supervisor (its SIGINT handler): the guest is asked to power off
                // through ACPI, a second time forced off; the GPU comes back after it.
                _ = await host.Runner.RunAsync("kill", ["-INT", phase.Pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            }

            if (untilRunning && phase is { Phase: HandoffPhaseFile.Running })
            {
                return 0;
            }

            if (phase is not null && !HandoffPhaseFile.SupervisorAlive(phase))
            {
                (offset, pending) = Copy(offset, pending, write);
                if (Phase.Read() is { Phase: HandoffPhaseFile.Ended, ExitCode: var code })
                {
                    return code ?? 1;
                }

                throw new InvalidStateException($"The supervisor of the handoff of '{machine}' (pid {phase.Pid}) stopped in phase '{phase.Phase}' without finishing; see '{Phase.LogPath}'.", phase.Phase, HandoffPhaseFile.Ended)
                {
                    Hint = "Run 'sudo lodge rescue' to undo what the handoff left applied.",
                };
            }

            if (phase is null && host.Time.GetElapsedTime(startedAt) > TimeSpan.FromSeconds(60))
            {
                throw new InvalidStateException($"The supervisor of the handoff of '{machine}' did not start within 60 s; see '{Phase.LogPath}'.", "not started", HandoffPhaseFile.Starting);
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    // What the supervisor needs from the caller's environment: the run and state roots this command resolved (a unit
    // starts with the manager's environment, not the caller's), and the lab's stop hook only when it is set.
    private Dictionary<string, string> Passed()
    {
        var passed = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LODGE_STATE_DIR"] = host.Paths.Roots.StateRoot,
            ["LODGE_RUN_DIR"] = host.Paths.Roots.RunRoot,
        };
        if (host.TestStopAfterStep is { } step)
        {
            passed[LodgeOptions.StopAfterStepVariable] = step.ToString(CultureInfo.InvariantCulture);
        }

        return passed;
    }

    private (long Offset, string Pending) Copy(long offset, string pending, Action<string> write)
    {
        try
        {
            using var stream = new FileStream(Phase.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length <= offset)
            {
                return (offset, pending);
            }

            stream.Seek(offset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var text = pending + reader.ReadToEnd();
            var lines = text.Split('\n');
            foreach (var line in lines[..^1])
            {
                write(line);
            }

            return (stream.Position, lines[^1]);
        }
        catch (FileNotFoundException)
        {
            return (offset, pending);
        }
    }
}
