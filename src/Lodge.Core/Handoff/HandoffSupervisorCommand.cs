using System.Globalization;

namespace Lodge.Core.Handoff;

/// <summary>The command line that starts a handoff's supervisor outside the caller's session: a transient systemd unit
/// named after the machine when systemd is the init system.</summary>
/// <remarks>
/// Stopping the display manager ends a desktop terminal and sends SIGHUP to everything in its session, so the process
/// that runs the handoff must not live there (issue 13, item 3). <c>systemd-run</c> (systemd-run(1)) puts it in a unit
/// of its own; the unit does not inherit the caller's environment, hence <c>--setenv</c>.
/// </remarks>
public static class HandoffSupervisorCommand
{
    /// <summary>The unit's name without its suffix: <c>lodge-NAME</c> (a machine name only holds letters, digits, '-',
    /// '_' and '.', all valid in a unit name).</summary>
    public static string UnitName(string machine) => $"lodge-{machine}";

    /// <summary>The argv of <c>systemd-run</c> that runs <paramref name="command"/> as <c>lodge-NAME.service</c>.</summary>
    /// <param name="machine">The machine, which names the unit.</param>
    /// <param name="command">The supervisor's own argv (lodge's absolute path first).</param>
    /// <param name="log">The supervisor's log, which the command the user typed follows.</param>
    /// <param name="environment">Variables the supervisor needs from the caller (LODGE_STATE_DIR, LODGE_RUN_DIR).</param>
    /// <param name="stopWithin">How long systemd waits on <c>systemctl stop</c> before it kills: the guest's ACPI
    /// shutdown plus the way back.</param>
    public static IReadOnlyList<string> SystemdRun(string machine, IReadOnlyList<string> command, string log, IReadOnlyDictionary<string, string> environment, TimeSpan stopWithin)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(environment);
        var argv = new List<string>
        {
            "systemd-run",
            "--unit", UnitName(machine),
            "--description", $"Lodge: the GPU handoff of '{machine}'",
            "--collect",
            "--quiet",

            // SIGTERM only to lodge (not to QEMU in the same cgroup): lodge powers the guest off through ACPI and gives the
            // GPU back; the rest of the unit is killed only after that.
            "--property", "KillMode=mixed",
            "--property", $"TimeoutStopSec={(long)stopWithin.TotalSeconds}",
            "--property", $"StandardOutput=append:{log}",
            "--property", $"StandardError=append:{log}",
        };
        foreach (var (key, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            argv.Add("--setenv");
            argv.Add(string.Create(CultureInfo.InvariantCulture, $"{key}={value}"));
        }

        argv.Add("--");
        argv.AddRange(command);
        return argv;
    }
}
