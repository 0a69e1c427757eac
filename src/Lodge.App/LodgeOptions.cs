using Lodge.App.Handoff;
using Lodge.Linux.Processes;
using Lodge.Linux.Runtime;

// The composition root: the one place the process's environment, user, home and executable are read (BannedSymbols.txt
// bans these reads everywhere else in Lodge.App).
#pragma warning disable RS0030

namespace Lodge.App;

/// <summary>What a <see cref="LodgeHost"/> is built from: the command line's global options, the process's environment,
/// and (in tests, the lab and the dashboard) the doubles that stand in for the real host.</summary>
/// <remarks>Production takes every default; a test passes its own <see cref="Environment"/> (so it never sets the process's),
/// its clock and its handoff environment. Nothing here is static or mutable.</remarks>
public sealed record LodgeOptions
{
    /// <summary><c>--root</c>: every host read (and sysfs write) below this directory.</summary>
    public string RootPath { get; init; } = "/";

    /// <summary><c>--config-dir</c>, when given.</summary>
    public string? ConfigDir { get; init; }

    /// <summary><c>--reports-db</c>, when given.</summary>
    public string? ReportsDb { get; init; }

    /// <summary>Reads one environment variable (LODGE_RUN_DIR, LODGE_STATE_DIR, XDG_*, ...); the process's by default.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Whether lodge runs as root (machine files in /etc/lodge, the database in the state root).</summary>
    public bool Privileged { get; init; } = System.Environment.IsPrivilegedProcess;

    /// <summary>The user's home folder, for the XDG defaults.</summary>
    public string Home { get; init; } = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);

    /// <summary>The executable that makes sysfs writes in a child process (<c>lodge sysfs-write</c>), so that a write stuck in
    /// the kernel never keeps lodge from exiting: lodge itself when it runs as its native binary; null (writes on a thread
    /// of this process) under the .NET host, as in tests.</summary>
    public string? KernelWriter { get; init; } = System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? null : System.Environment.ProcessPath;

    /// <summary>lodge's own executable (what <c>up --detach</c> starts as the supervisor); null when unknown.</summary>
    public string? Executable { get; init; } = System.Environment.ProcessPath;

    /// <summary>The one clock of every deadline and timestamp.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Runs programs (modprobe, kill, health commands).</summary>
    public IProcessRunner Runner { get; init; } = HostProcesses.Runner;

    /// <summary>The host a real handoff acts on; null for the production host below <see cref="RootPath"/>. Tests pass the
    /// simulated kernel here.</summary>
    public Func<LodgeHost, GuestRuntime, Action<string>, HandoffEnvironment>? Handoff { get; init; }

    /// <summary>Where a machine's <c>[[usb]] controller</c> entries go to vfio-pci and back; null for the production host
    /// below <see cref="RootPath"/>. Tests pass the simulated kernel here.</summary>
    public Func<LodgeHost, Lodge.Linux.Handoff.ControllerEnvironment>? Controllers { get; init; }

    /// <summary><c>COLUMNS</c>: the width of output that is not a terminal (a pipe or a file), when set.</summary>
    public string? Columns => Environment("COLUMNS");

    /// <summary>The name of the hidden test hook <see cref="TestStopAfterStep"/> reads.</summary>
    public const string StopAfterStepVariable = "LODGE_TEST_STOP_AFTER_STEP";

    /// <summary>Hidden test hook <c>LODGE_TEST_STOP_AFTER_STEP=k</c> (not in <c>--help</c>): a handoff stops its own process
    /// (SIGSTOP) right after step k is journaled as done, so the lab can SIGKILL it after exactly that step. Null when
    /// unset; a value that is not a whole number from 1 up is refused.</summary>
    /// <exception cref="Lodge.Core.ConfigException">The variable is set to something other than a step number.</exception>
    public int? TestStopAfterStep => Environment(StopAfterStepVariable) switch
    {
        null or "" => null,
        var text when int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var step) && step >= 1 => step,
        var text => throw new Lodge.Core.ConfigException($"{StopAfterStepVariable}='{text}' is not a step number; set it to a whole number from 1 up, or unset it."),
    };

    /// <summary>The options of this process: its environment, its user, the system clock, real programs.</summary>
    public static LodgeOptions FromProcess() => new();
}
