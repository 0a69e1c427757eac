using Lodge.Core.Runtime;
using Lodge.Linux.Processes;
using Lodge.Qmp.Commands;

namespace Lodge.Linux.Runtime;

/// <summary>Executes a <see cref="LaunchSpec"/>: prepares disks and NVRAM, starts the helpers and QEMU, waits for QMP, and records state.json.</summary>
/// <remarks>
/// The promise of <see cref="StartAsync"/>: if it throws, every process it started is stopped again and state.json is removed.
/// QEMU's QMP socket accepts one client at a time, so the runtime does not keep it open: status, down and usb each connect briefly.
/// </remarks>
public sealed partial class GuestRuntime
{
    private static readonly TimeSpan HelperReadyTimeout = TimeSpan.FromSeconds(15);
    // How long a living QEMU may take to answer QMP (see WaitForQmpAsync), and how often 'up' says it still waits.
    private static readonly TimeSpan QmpReadyLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan QmpWaitReport = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan QmpPoll = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan RepinSettle = TimeSpan.FromSeconds(2);
    private readonly IProcessRunner _runner;
    private readonly Host.IMdevControl _mdev;
    private readonly TimeProvider _time;

    /// <summary>A runtime over <paramref name="roots"/>, running short commands (qemu-img) through <paramref name="runner"/>.</summary>
    /// <param name="controllers">Where a machine's <c>[[usb]] controller</c> entries go to vfio-pci; null for the real host at <c>/</c>.</param>
    public GuestRuntime(RuntimeRoots roots, IProcessRunner? runner = null, TimeProvider? time = null, Host.IMdevControl? mdev = null, Isolation.ICpuIsolationControl? isolation = null, HugePages.IHugePageControl? hugePages = null, Handoff.ControllerEnvironment? controllers = null)
    {
        _mdev = mdev ?? new Host.SysfsMdevControl(new HostRoot("/"));
        Store = new GuestStateStore(roots, _mdev, isolation, hugePages, controllers);
        _runner = runner ?? new ProcessRunner();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The state files this runtime reads and writes.</summary>
    public GuestStateStore Store { get; }

    /// <summary>Starts the guest described by <paramref name="spec"/> and returns once QEMU answers on QMP.</summary>
    /// <param name="progress">Receives a short line per step ("Starting virtiofsd-share", ...).</param>
    /// <exception cref="DiskHeldException">Another guest or process holds one of the disks.</exception>
    /// <exception cref="GuestRuntimeException">The guest already runs, or a helper or QEMU failed to start.</exception>
    public async Task<RunningGuest> StartAsync(LaunchSpec spec, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckCanStart(spec);
        Store.Log = line => progress?.Report(line);
        var self = SelfState();
        Directory.CreateDirectory(spec.Layout.RunDir);
        Directory.CreateDirectory(spec.Layout.StateDir);
        await PrepareFilesAsync(spec, progress, cancellationToken).ConfigureAwait(false);

        var startedAt = _time.GetUtcNow();
        var state = new GuestState(spec.Machine, GuestPhase.Starting, startedAt, self, null, [], spec.QmpSocket, spec.SerialSocket, spec.Disks, SharesOf(spec), spec.ConnectHints);
        Store.Write(state);
        var helpers = new List<SpawnedProcess>();
        var helperStates = new List<GuestProcessState>();
        SpawnedProcess? qemu = null;
        try
        {
            foreach (var helper in spec.Helpers)
            {
                progress?.Report($"Starting {helper.Name}");
                var process = StartLogged(spec, helper.Name, helper.Argv);
                helpers.Add(process);
                helperStates.Add(new GuestProcessState(helper.Name, process.Pid, ProcessTable.StartTicks(process.Pid) ?? 0, helper.ReadySocket));
                Store.Write(state = state with { Helpers = helperStates.ToList() });
                if (helper.ReadySocket is { } socket)
                {
                    await WaitForSocketAsync(spec, helper.Name, process, socket, cancellationToken).ConfigureAwait(false);
                }
            }

            if (spec.Mdev is { } slice)
            {
                if (!_mdev.Exists(slice))
                {
                    progress?.Report($"Creating the GVT-g device {slice.Uuid}");
                    await _mdev.CreateAsync(slice, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
                }

                Store.Write(state = state with { Mdev = slice });
            }

            ReleaseStaleHugePages(progress);
            if (spec.HugePages is { } pages)
            {
                progress?.Report($"Allocating {pages.Count} hugepages{(pages.Node is { } node ? $" on NUMA node {node}" : "")}");
                var before = await Store.HugePageAllocator().AllocateAsync(spec.Machine, pages, cancellationToken).ConfigureAwait(false);
                Store.Write(state = state with { HugePages = pages, HugePagesBefore = before });
            }

            if (spec.UsbControllers.Count > 0)
            {
                // Before QEMU: it opens /dev/vfio/N at start and fails when the controller is still on its driver.
                progress?.Report($"Giving the controller(s) {string.Join(", ", spec.UsbControllers)} to vfio-pci");
                await Store.BindControllersAsync(spec, progress, cancellationToken).ConfigureAwait(false);
            }

            progress?.Report("Starting QEMU");
            TryDelete(spec.QmpSocket);
            File.Delete(Path.Combine(spec.Layout.RunDir, "qemu.log"));
            qemu = StartLogged(spec, "qemu", spec.QemuArgv);
            var qemuState = new GuestProcessState("qemu", qemu.Pid, ProcessTable.StartTicks(qemu.Pid) ?? 0, spec.QmpSocket);
            Store.Write(state = state with { Qemu = qemuState });
            Store.WritePidFile(spec.Machine, qemu.Pid);
            progress?.Report("Waiting for QMP");
            Func<int, IReadOnlyList<int>?>? pins;
            await using (var client = await WaitForQmpAsync(spec, qemu, progress, cancellationToken).ConfigureAwait(false))
            {
                pins = await ApplyPinningAsync(spec, client, qemu, progress, cancellationToken).ConfigureAwait(false);
            }

            var isolated = await IsolateAsync(spec, qemu.Pid, progress, cancellationToken).ConfigureAwait(false);
            if (isolated)
            {
                Store.Write(state = state with { Isolated = true });
            }

            // After the cgroup moves of isolation: a kernel before 6.2 resets the pins of every moved thread.
            await RepinAsync(qemu.Pid, pins, isolated ? RepinSettle : TimeSpan.Zero, progress, cancellationToken).ConfigureAwait(false);

            Store.Write(state = state with { Phase = GuestPhase.Running });
            return new RunningGuest(spec, state, qemu, helpers, Store, _time);
        }
        catch
        {
            if (qemu is not null)
            {
                await qemu.StopAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            }

            foreach (var helper in Enumerable.Reverse(helpers))
            {
                await helper.StopAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            }

            Store.Clean(state);
            throw;
        }
    }

    /// <summary>Refuses a guest that already runs or whose disk another guest or process holds; cleans stale state first.</summary>
    /// <exception cref="DiskHeldException">Another guest or process holds one of the disks.</exception>
    /// <exception cref="GuestRuntimeException">The guest already runs, or the host mounts (or otherwise uses) one of its disks.</exception>
    /// <param name="spec">The guest.</param>
    /// <param name="scanProcesses">Also look through every process's open files for one that holds a disk (the check
    /// right before QEMU opens them); without it, only the other guests' states are asked.</param>
    public void CheckCanStart(LaunchSpec spec, bool scanProcesses = true)
    {
        if (Store.Refresh(spec.Machine, out _) is { } existing)
        {
            throw new GuestRuntimeException(spec.Machine, $"Guest '{spec.Machine}' is already running (QEMU pid {existing.Qemu?.Pid}).") { Hint = $"Stop it first with 'lodge down {spec.Machine}'." };
        }

        // Right before opening: the host may have mounted a disk (or turned on swap on it) since 'lodge check' ran.
        var facts = new PathFactsReader(new HostRoot("/"));
        foreach (var disk in spec.Disks)
        {
            if (Lodge.Core.Machines.MachineSafety.InUseMessage(disk, facts.Read(disk)) is { } inUse)
            {
                throw new GuestRuntimeException(spec.Machine, inUse) { Hint = "Unmount it (and turn off its swap, stop its LVM or RAID volume) first, or pick a disk the host does not use; 'lsblk' shows what is on it." };
            }
        }

        foreach (var disk in spec.Disks.Where(File.Exists))
        {
            if (DiskHolders.Find(disk, Store.LiveOthers(spec.Machine), new HashSet<int> { Environment.ProcessId }, scanProcesses) is { } holder)
            {
                throw new DiskHeldException(spec.Machine, disk, holder);
            }
        }
    }

    private static GuestProcessState SelfState() =>
        new("supervisor", Environment.ProcessId, ProcessTable.StartTicks(Environment.ProcessId) ?? 0, null);

    // The launch spec carries its shares typed: nothing is read back from the argv.
    private static IReadOnlyList<string> SharesOf(LaunchSpec spec) => [.. spec.Shares.Select(s => s.ToString())];

    private static SpawnedProcess StartLogged(LaunchSpec spec, string name, IReadOnlyList<string> argv)
    {
        // The exact argv of every start, pasteable into a shell (house style §7).
        File.WriteAllText(Path.Combine(spec.Layout.RunDir, $"{name}.args"), Lodge.Core.Qemu.QemuCommandLine.Format(argv));
        return SpawnedProcess.Start(argv, Path.Combine(spec.Layout.RunDir, $"{name}.log"));
    }

    private static void TryDelete(string path)
    {
        if (File.Exists(path))
        {
            // HOST EFFECT: removes a socket left by an earlier run; QEMU recreates it.
            File.Delete(path);
        }
    }
}
