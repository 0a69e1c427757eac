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

namespace Lodge.Cli.Guests;

/// <summary>What a real handoff acts on: the host's handoff state, its write interfaces, the guest, the journal and the holders.</summary>
/// <remarks>Production reads below <c>--root</c> and writes through sysfs, modprobe and systemctl; tests build one over the
/// simulated kernel (the seam is <see cref="HandoffUp.EnvironmentFactory"/>).</remarks>
/// <param name="Scan">Reads the handoff-relevant snapshot (PCI, modules, consoles, framebuffers) now.</param>
/// <param name="DisplayManagerActive">Whether display-manager.service runs now; null when unknown.</param>
/// <param name="Host">The executor's host interfaces around a guest control, with a log.</param>
/// <param name="Guest">The guest control for a launch spec and a plan.</param>
/// <param name="Health">The watchdog's rule for that guest control; null trusts a guest once it starts.</param>
/// <param name="Holders">The holder scan of the pre-flight.</param>
/// <param name="StopHolders">What <c>--stop-holders</c> does with the holders the pre-flight found.</param>
public sealed record HandoffEnvironment(
    Func<HostSnapshot> Scan,
    Func<bool?> DisplayManagerActive,
    Func<IGuestControl, Action<string>, HandoffHost> Host,
    Func<LaunchSpec, HandoffPlan, IGuestControl> Guest,
    Func<IGuestControl, MachineConfig, GuestHealth?> Health,
    HolderScan Holders,
    Func<IReadOnlyList<DeviceHolder>, Action<string>, CancellationToken, Task> StopHolders,
    HandoffJournal Journal)
{
    /// <summary>How long a healthy guest has to show it (QMP <c>query-status</c> running) before the watchdog gives the GPU back.</summary>
    public static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(120);

    /// <summary>The real host below <paramref name="rootPath"/>; guests run through <paramref name="runtime"/>; the journal is
    /// <c>handoff.journal</c> in the state root (<c>/var/lib/lodge</c>).</summary>
    public static HandoffEnvironment Production(string rootPath, GuestRuntime runtime, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var progress = new Progress<string>(write);
        ArgumentNullException.ThrowIfNull(runtime);
        var root = new HostRoot(rootPath);
        var sysfs = new SysfsDriverControl(root);
        var scanner = new ProcHolderScanner(root);
        return new HandoffEnvironment(
            () => new SysfsScanner(root).ScanForHandoff(),
            () => null,
            (guest, log) => new HandoffHost(sysfs, sysfs, sysfs, ModprobeModuleControl.Create(), new SystemdDisplayManagerControl(), guest, scanner.ScanAsync, log),
            (spec, _) => new RuntimeGuestControl(runtime, spec, progress) { Started = guest => PrintRunning(guest, write) },
            (guest, machine) => guest is RuntimeGuestControl control ? HealthOf(control, machine) : null,
            scanner.ScanAsync,
            (holders, log, ct) => HolderStopper.StopAsync(holders, TimeSpan.FromSeconds(5), log, ct),
            new HandoffJournal(Path.Combine(runtime.Store.Roots.StateRoot, "handoff.journal")));
    }

    /// <summary>QMP "running", and the machine's <c>[health] command</c> when it has one (each try up to 5 s).</summary>
    private static GuestHealth HealthOf(RuntimeGuestControl control, MachineConfig machine)
    {
        var within = TimeSpan.FromSeconds(machine.Health.WithinSeconds);
        if (machine.Health.Command is not { Count: > 0 } command)
        {
            return new GuestHealth(within, TimeSpan.FromSeconds(2), control.IsRunningAsync);
        }

        var runner = HostProcesses.Runner;
        async Task<bool> CommandSucceeds(CancellationToken cancellationToken)
        {
            var result = await runner.RunAsync(command[0], [.. command.Skip(1)], TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            return result is { ExitCode: 0, TimedOut: false };
        }

        return new GuestHealth(within, TimeSpan.FromSeconds(5), GuestHealth.All(control.IsRunningAsync, CommandSucceeds));
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
