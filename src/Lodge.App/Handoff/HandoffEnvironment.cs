using Lodge.Linux.Processes;
using Lodge.Core.Machines;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Runtime;
using Lodge.Linux;
using Lodge.Linux.Handoff;
using Lodge.Linux.Host;
using Lodge.Linux.Runtime;
using Lodge.Linux.Sysfs;

namespace Lodge.App.Handoff;

/// <summary>What a real handoff acts on: the host's handoff state, its write interfaces, the guest, the journal and the holders.</summary>
/// <remarks>Production reads below <c>--root</c> and writes through sysfs, modprobe and systemctl; tests build one over the
/// simulated kernel and hand it to the composition root (<see cref="LodgeOptions.Handoff"/>).</remarks>
/// <param name="Scan">Reads the handoff-relevant snapshot (PCI, modules, consoles, framebuffers) now.</param>
/// <param name="DisplayManagerActive">Whether display-manager.service runs now; null when unknown.</param>
/// <param name="Host">The executor's host interfaces around a guest control, with a log.</param>
/// <param name="Guest">The guest control for a launch spec, a plan and the machine (its <c>shutdown_timeout</c> bounds the
/// ACPI wait of every stop: the watchdog's, the way back's and a switch's).</param>
/// <param name="Health">The watchdog's rule for that guest control; null trusts a guest once it starts.</param>
/// <param name="Holders">The holder scan of the pre-flight.</param>
/// <param name="StopHolders">What <c>--stop-holders</c> does with the holders the pre-flight found.</param>
public sealed record HandoffEnvironment(
    Func<HostSnapshot> Scan,
    Func<bool?> DisplayManagerActive,
    Func<IGuestControl, Action<string>, HandoffHost> Host,
    Func<LaunchSpec, HandoffPlan, MachineConfig, IGuestControl> Guest,
    Func<IGuestControl, MachineConfig, GuestHealth?> Health,
    HolderScan Holders,
    Func<IReadOnlyList<DeviceHolder>, Action<string>, CancellationToken, Task> StopHolders,
    HandoffJournal Journal)
{
    /// <summary>For doubles only: the executor stops after this step as a killed lodge would (no way back, the journal left
    /// pending), so that a spec can show what <c>lodge rescue</c> does next. Null in production.</summary>
    public int? AbandonAfterStep { get; init; }

    /// <summary>Whether <c>nvidia-persistenced.service</c> runs now (the plan stops it before the NVIDIA unload); null when
    /// unknown, which the plan warns about.</summary>
    public Func<bool?> NvidiaPersistencedActive { get; init; } = () => null;

    /// <summary>How long a healthy guest has to show it (QMP <c>query-status</c> running) before the watchdog gives the GPU back.</summary>
    public static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(120);

    /// <summary>How long lodge waits for systemd to say whether the display manager runs.</summary>
    private static readonly TimeSpan AskSystemdWithin = TimeSpan.FromSeconds(5);

    /// <summary>The real host below the host's root; guests run through <paramref name="runtime"/>; the journal is the
    /// host's one journal path (<c>handoff.journal</c> in the state root).</summary>
    public static HandoffEnvironment Production(LodgeHost host, GuestRuntime runtime, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(write);
        var progress = new Progress<string>(write);
        ArgumentNullException.ThrowIfNull(runtime);
        var root = host.Root;
        var sysfs = new SysfsDriverControl(root) { ChildWriter = host.KernelWriter, ChildLogFolder = host.Paths.Scratch };
        var displayManager = new SystemdDisplayManagerControl();

        // logind speaks for the running system only: below a captured tree (--root) there are no sessions to ask about.
        ILoginSessions logind = new LogindSessions();
        async Task<IReadOnlyList<Core.Handoff.DeviceHolder>> Scan(IReadOnlyList<Core.Hardware.PciAddress> devices, CancellationToken cancellationToken)
        {
            var sessions = root.IsSystemRoot ? await logind.ListAsync(cancellationToken).ConfigureAwait(false) : [];
            return await new ProcHolderScanner(root, sessions).ScanAsync(devices, cancellationToken).ConfigureAwait(false);
        }

        // --stop-holders: a graphical session ends through logind (its display manager then sees a logout, not a crash
        // to answer with a new greeter); any other holder gets SIGTERM, then SIGKILL.
        async Task StopHolders(IReadOnlyList<Core.Handoff.DeviceHolder> holders, Action<string> log, CancellationToken cancellationToken)
        {
            foreach (var session in holders.Select(h => h.Session).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                log($"Ending session '{session}' through logind, which holds the GPU (--stop-holders).");
                await logind.TerminateAsync(session, cancellationToken).ConfigureAwait(false);
            }

            await HolderStopper.StopAsync([.. holders.Where(h => h.Session is null)], TimeSpan.FromSeconds(5), log, host.Time, cancellationToken).ConfigureAwait(false);
        }

        // systemd speaks for the running system only: below a captured tree (--root) whether a display manager runs is unknown.
        bool? DisplayManagerActive() => root.IsSystemRoot ? displayManager.IsActiveAsync(AskSystemdWithin).GetAwaiter().GetResult() : null;
        bool? PersistencedActive() => root.IsSystemRoot ? displayManager.IsUnitActiveAsync("nvidia-persistenced.service", AskSystemdWithin).GetAwaiter().GetResult() : null;
        return new HandoffEnvironment(
            () => new SysfsScanner(root).ScanForHandoff(),
            DisplayManagerActive,
            (guest, log) => new HandoffHost(sysfs, sysfs, sysfs, ModprobeModuleControl.Create(host.Paths.Scratch), displayManager, guest, Scan, log) { ReadBack = new KernelReadBack(root) },
            (spec, _, machine) => new RuntimeGuestControl(runtime, spec, progress)
            {
                Started = guest => PrintRunning(guest, write),
                AcpiTimeout = TimeSpan.FromSeconds(machine.ShutdownTimeoutSeconds),
                Say = write,
            },
            (guest, machine) => guest is RuntimeGuestControl control ? HealthOf(control, machine, host.Runner) : null,
            Scan,
            StopHolders,
            host.Journal)
        {
            NvidiaPersistencedActive = PersistencedActive,
        };
    }

    /// <summary>QMP "running", and the machine's <c>[health] command</c> when it has one (each try up to 5 s).</summary>
    private static GuestHealth HealthOf(RuntimeGuestControl control, MachineConfig machine, IProcessRunner runner)
    {
        var within = TimeSpan.FromSeconds(machine.Health.WithinSeconds);
        var checks = new List<Func<CancellationToken, Task<bool>>> { control.IsRunningAsync };
        if (machine.GuestAgent)
        {
            // [guest] agent = true: the QEMU guest agent in the guest answers guest-ping once the guest's OS runs.
            var socket = Lodge.Core.Qemu.QemuArgvBuilder.AgentSocketOf(control.Spec.Layout.RunDir);
            checks.Add(ct => Lodge.Qmp.Commands.GuestAgentPing.PingAsync(socket, TimeSpan.FromSeconds(3), ct));
        }

        if (machine.Health.Command is { Count: > 0 } command)
        {
            async Task<bool> CommandSucceeds(CancellationToken cancellationToken)
            {
                var result = await runner.RunAsync(command[0], [.. command.Skip(1)], TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                return result is { ExitCode: 0, TimedOut: false };
            }

            checks.Add(CommandSucceeds);
        }

        return checks.Count == 1
            ? new GuestHealth(within, TimeSpan.FromSeconds(2), control.IsRunningAsync)
            : new GuestHealth(within, TimeSpan.FromSeconds(5), GuestHealth.All([.. checks]));
    }

    private static void PrintRunning(RunningGuest guest, Action<string> write)
    {
        var spec = guest.Spec;
        write($"Guest '{spec.Machine}' is running with the GPU (QEMU pid {guest.Qemu.Pid}); power it off from inside, or press Ctrl-C here.");
        foreach (var hint in spec.ConnectHints)
        {
            write($"  {hint}");
        }

        if (spec.SerialSocket is not null)
        {
            write($"  Serial console: lodge console {spec.Machine}");
        }
    }
}
