using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Host;
using Lodge.Linux.Sysfs;

namespace Lodge.Linux.Simulation;

/// <summary>Acts like the kernel on every host write, over a private copy of a host tree that <see cref="SysfsScanner"/> reads back.</summary>
/// <remarks>
/// Rules it follows (Documentation/ABI/testing/sysfs-bus-pci, libvirt <c>tests/virpcimock.c</c>):
/// <list type="bullet">
/// <item>bind creates the device's <c>driver</c> link and <c>drivers/&lt;drv&gt;/&lt;bdf&gt;</c>; unbind removes both;</item>
/// <item>a driver binds only a device it matches: driver_override wins, otherwise the driver it was bound to at start,
/// a vendor rule (amdgpu, nvidia, i915, snd_hda_intel) or a <c>new_id</c>;</item>
/// <item>drivers_probe and module loads bind unbound devices to their matching, loaded driver;</item>
/// <item>a module in use (bound devices, holders, dependent modules) cannot be unloaded; /proc/modules follows;</item>
/// <item>an unbind blocks while a <see cref="SimulatedHolder"/> holds the device; its driver link is gone already (the kernel removes it before the driver's remove() waits), and the device lock stays held.</item>
/// </list>
/// Every action runs on a <see cref="HostWrite"/> thread, exactly like production, and can be made to fail
/// (<see cref="FailOn"/>) or hang (<see cref="HangOn"/>). <see cref="State"/> is what a handoff must restore.
/// </remarks>
public sealed partial class SimulatedKernel : IDriverControl, IConsoleControl, IResetMethodControl, IModuleControl, IDisplayManagerControl, IDisposable
{
    private const string PciDevices = "/sys/bus/pci/devices";
    private const string PciDrivers = "/sys/bus/pci/drivers";
    private readonly object _gate = new();
    private readonly TreeCopy _tree;
    private readonly Dictionary<PciAddress, (ushort? Vendor, ushort? Device, PciClass? Class)> _ids = [];
    private readonly Dictionary<PciAddress, string> _originalDrivers = [];
    private readonly List<string> _log = [];
    private bool? _displayManagerActive = true;
    private PciAddress? _fbconGpu;
    private bool _disposed;

    /// <summary>Copies <paramref name="hostTree"/> (a fixture such as <c>RepoPaths.Host("EADE3920D9")</c>) and boots on the copy.</summary>
    public SimulatedKernel(string hostTree)
        : this(hostTree, CancellationToken.None)
    {
    }

    /// <summary>Copies <paramref name="hostTree"/>, stopping (and deleting the partial copy) when <paramref name="cancellationToken"/> fires.</summary>
    public SimulatedKernel(string hostTree, CancellationToken cancellationToken)
    {
        _tree = new TreeCopy(hostTree, cancellationToken);
        try
        {
            var snapshot = ScanForHandoff();
            foreach (var d in snapshot.PciDevices)
            {
                _ids[d.Address] = (d.VendorId, d.DeviceId, d.Class);
                if (d.Driver is not null)
                {
                    _originalDrivers[d.Address] = d.Driver;
                }
            }

            BootModules(snapshot);
        }
        catch
        {
            // A kernel that never booted still owns its copy: nothing may be left in /dev/shm.
            _tree.Dispose();
            throw;
        }
    }

    /// <summary>The real folder that stands for <c>/</c>.</summary>
    public string Root => _tree.Root;

    /// <summary>Every action applied so far, e.g. <c>Bind 0000:06:00.0 vfio-pci</c>.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>True while display-manager.service runs (true at start unless set with <see cref="WithDisplayManager"/>).</summary>
    public bool? DisplayManagerActive
    {
        get
        {
            lock (_gate)
            {
                return _displayManagerActive;
            }
        }
    }

    /// <summary>Reads the simulated tree with the production scanner (a fresh <see cref="HostRoot"/> each time).</summary>
    public HostSnapshot Scan()
    {
        lock (_gate)
        {
            return new SysfsScanner(new HostRoot(Root)).Scan();
        }
    }

    /// <summary>Reads only PCI, modules and display from the simulated tree (<see cref="SysfsScanner.ScanForHandoff"/>).</summary>
    public HostSnapshot ScanForHandoff()
    {
        lock (_gate)
        {
            return new SysfsScanner(new HostRoot(Root)).ScanForHandoff();
        }
    }

    /// <summary>The state a handoff must restore, read from the tree plus the display manager, the units a handoff stops,
    /// and the targets a write is still stuck on (wedged).</summary>
    public HostState State()
    {
        var state = HostState.FromSnapshot(ScanForHandoff(), DisplayManagerActive);
        lock (_gate)
        {
            return state with { Wedged = [.. _inFlight.Keys.Order(StringComparer.Ordinal)], Services = [.. _activeServices.Order(StringComparer.Ordinal)] };
        }
    }

    /// <summary>Says whether display-manager.service runs at start; null means the host has none.</summary>
    public SimulatedKernel WithDisplayManager(bool? active)
    {
        lock (_gate)
        {
            _displayManagerActive = active;
        }

        return this;
    }

    /// <summary>Adds <c>/sys/class/vtconsole/&lt;id&gt;</c> with a name such as <c>(M) frame buffer device</c>.</summary>
    public SimulatedKernel WithVtConsole(string id, string name, bool bound)
    {
        HostNames.VtConsole(id);
        lock (_gate)
        {
            var classLink = $"/sys/class/vtconsole/{id}";
            var target = $"../../devices/virtual/vtconsole/{id}";
            if (new FileInfo(Real(classLink)).LinkTarget is { } existing)
            {
                target = existing;
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Real(classLink))!);
                File.CreateSymbolicLink(Real(classLink), target);
            }

            var dir = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Real(classLink))!, target));
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "name"), name + "\n");
            File.WriteAllText(Path.Combine(dir, "bind"), bound ? "1\n" : "0\n");
        }

        return this;
    }

    /// <summary>Adds a firmware framebuffer platform device (e.g. <c>efi-framebuffer.0</c> on <c>efi-framebuffer</c>), bound or not.</summary>
    public SimulatedKernel WithFramebuffer(Framebuffer framebuffer, bool bound = true)
    {
        var fb = HostNames.Framebuffer(framebuffer);
        lock (_gate)
        {
            Directory.CreateDirectory(Real($"/sys/devices/platform/{fb.Device}"));
            File.WriteAllText(Real($"/sys/devices/platform/{fb.Device}/uevent"), $"DRIVER={fb.Driver}\n");
            var driverDir = $"/sys/bus/platform/drivers/{fb.Driver}";
            Directory.CreateDirectory(Real(driverDir));
            File.WriteAllText(Real($"{driverDir}/bind"), string.Empty);
            File.WriteAllText(Real($"{driverDir}/unbind"), string.Empty);
            if (bound)
            {
                LinkFramebuffer(fb);
            }
        }

        return this;
    }

    /// <summary>Deletes the copy and lets every hung or blocked action go (they then do nothing).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Monitor.PulseAll(_gate);
        }

        ReleaseAllHangs();
        _tree.Dispose();
    }

    private string Real(string hostPath) => Root + HostRoot.Normalize(hostPath);

    // Runs one action the way production does: on its own thread, with injected faults first and then the kernel's rule.
    private Task Act(HostAction action, string target, string logLine, TimeSpan timeout, CancellationToken cancellationToken, Action effect) =>
        HostWrite.RunAsync(
            action,
            target,
            () =>
            {
                // A kernel write holds its locks for its whole length, a hang included (see SimulatedKernel.Locks). A systemd
                // job that hangs is no stuck kernel write: only kernel writes lock and count as in flight.
                var kernelWrite = action is not (HostAction.StopDisplayManager or HostAction.StartDisplayManager or HostAction.StopService or HostAction.StartService);
                var taken = Enter(action, target, kernelWrite);
                try
                {
                    Inject(action, target);
                    lock (_gate)
                    {
                        if (_disposed)
                        {
                            return;
                        }

                        effect();
                        if (!_disposed)
                        {
                            _log.Add(logLine);
                            WriteProcModules();
                        }
                    }
                }
                finally
                {
                    Leave(target, kernelWrite, taken);
                }
            },
            timeout,
            cancellationToken);

    private static HostWriteException Refuse(HostAction action, string target, string message) => new(action, target, message);
}
