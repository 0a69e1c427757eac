using Lodge.App.Handoff;
using Lodge.App.Machines;
using Lodge.Linux;
using Lodge.Linux.Handoff;
using Lodge.Linux.Host;
using Lodge.Linux.Processes;
using Lodge.Linux.Reports;
using Lodge.Linux.Runtime;

namespace Lodge.App;

/// <summary>The composition root: the one place lodge's world is built. It owns the host root, the paths, the clock, the
/// process runner, the host-write interfaces and the outcome database; the CLI, the tests, the lab and the dashboard
/// each build theirs with <see cref="Create"/>.</summary>
public sealed class LodgeHost
{
    private readonly LodgeOptions _options;

    private LodgeHost(LodgeOptions options)
    {
        _options = options;
        Root = new HostRoot(options.RootPath);
        Paths = LodgePaths.Resolve(options);
        TestHooks = options.Environment("LODGE_TEST_HOOKS") == "1";
        ProgramFolders = (options.Environment("PATH") is { Length: > 0 } path ? path : "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Builds the world of one invocation.</summary>
    public static LodgeHost Create(LodgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LodgeHost(options);
    }

    /// <summary>The host's file tree (<c>/</c>, or the <c>--root</c> tree).</summary>
    public HostRoot Root { get; }

    /// <summary>Every folder and file lodge keeps.</summary>
    public LodgePaths Paths { get; }

    /// <summary><c>LODGE_TEST_HOOKS=1</c>: the test hooks are on (emulated USB devices may be attached).</summary>
    public bool TestHooks { get; }

    /// <summary>The hidden test hook <see cref="LodgeOptions.TestStopAfterStep"/>: the step after which a handoff stops itself.</summary>
    public int? TestStopAfterStep => _options.TestStopAfterStep;

    /// <summary>The folders of <c>PATH</c> (default <c>/usr/bin:/bin</c>), where programs are looked for.</summary>
    public IReadOnlyList<string> ProgramFolders { get; }

    /// <summary>Whether lodge runs as root.</summary>
    public bool Privileged => _options.Privileged;

    /// <summary>lodge's own executable, for the supervisor of a detached guest; null when unknown.</summary>
    public string? Executable => _options.Executable;

    /// <summary>The executable that makes sysfs writes in a child process; null writes in this process (<see cref="LodgeOptions.KernelWriter"/>).</summary>
    public string? KernelWriter => _options.KernelWriter;

    /// <summary>The clock of every deadline and timestamp.</summary>
    public TimeProvider Time => _options.Time;

    /// <summary>Runs programs.</summary>
    public IProcessRunner Runner => _options.Runner;

    /// <summary>The one writer of host files (units, configuration), confined to <see cref="Root"/>.</summary>
    public IConfinedFiles Files => new ConfinedFiles(Root.Path);

    /// <summary>The machine files.</summary>
    public MachineStore Machines => new(Paths.ConfigDir);

    /// <summary>The handoff journal (what <c>up</c> writes and <c>rescue</c> reads, one path for both).</summary>
    public HandoffJournal Journal => new(Paths.JournalPath);

    /// <summary>The guests' runtime below the run and state roots; passed controllers go to vfio-pci below <see cref="Root"/>.</summary>
    public GuestRuntime Guests() => new(Paths.Roots, time: Time, controllers: Controllers());

    /// <summary>What a machine's passed controllers act on: the host below <see cref="Root"/>, or the double the options name.</summary>
    public ControllerEnvironment Controllers() =>
        _options.Controllers?.Invoke(this) ?? ControllerEnvironment.Production(Root, Runner, Paths.RunRoot);

    /// <summary>The host a handoff acts on, with guests run by <paramref name="runtime"/>: the production host below
    /// <see cref="Root"/>, or the double the options name.</summary>
    public HandoffEnvironment Handoff(GuestRuntime runtime, Action<string> log) =>
        _options.Handoff?.Invoke(this, runtime, log) ?? HandoffEnvironment.Production(this, runtime, log);

    /// <summary>The host rescue undoes a journal on: sysfs below <see cref="Root"/>, modprobe, systemd, and the guest's pid file.</summary>
    public HandoffHost RescueHost(Action<string> log)
    {
        if (_options.Handoff is { } doubles)
        {
            // The same doubles as the handoff itself: a test's simulated kernel is what rescue must undo.
            var env = doubles(this, Guests(), log);
            return env.Host(new PidFileGuestControl(Root, Runner, Paths.RunRoot), log);
        }

        var sysfs = new SysfsDriverControl(Root) { ChildWriter = _options.KernelWriter, ChildLogFolder = Paths.Scratch };
        return new HandoffHost(sysfs, sysfs, sysfs, ModprobeModuleControl.Create(Paths.Scratch), new SystemdDisplayManagerControl(), new PidFileGuestControl(Root, Runner, Paths.RunRoot), (_, _) => Task.FromResult<IReadOnlyList<Core.Handoff.DeviceHolder>>([]), log) { ReadBack = new KernelReadBack(Root) };
    }

    /// <summary>Opens the outcome database, creating it when missing.</summary>
    public ReportStore OpenReports() => ReportStore.Open(Paths.ReportsDatabase);

    /// <summary>Opens the outcome database only when it exists (read paths such as doctor must not create it).</summary>
    public ReportStore? OpenExistingReports() => File.Exists(Paths.ReportsDatabase) ? ReportStore.Open(Paths.ReportsDatabase) : null;
}
