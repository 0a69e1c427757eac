using Lodge.Core.Hardware;
using Lodge.Linux.Host;

namespace Lodge.Linux.Simulation;

/// <summary>Kernel locks and writes in flight: a write that hangs keeps what it locked, so every later write that needs the
/// same lock blocks as well, exactly as a thread stuck in the kernel does.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>a PCI write holds its device's lock (<c>device_lock()</c>); a driver load that matches the device waits for it;</item>
/// <item>a vtconsole write holds that console, a framebuffer write that framebuffer;</item>
/// <item>a module load or unload holds the module (its init or exit runs), and an unload also the devices its drivers still
/// have (<c>driver_unregister()</c> locks each one): a load of a module that needs it waits until it is gone or loaded,
/// a second unload of it is refused at once (EBUSY, as <c>delete_module</c> does for a module already going), and a
/// write to one of those devices waits.</item>
/// </list>
/// </remarks>
public sealed partial class SimulatedKernel
{
    private readonly Dictionary<string, int> _locks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);

    private static bool LocksDevice(HostAction action) =>
        action is HostAction.Unbind or HostAction.Bind or HostAction.SetDriverOverride or HostAction.ProbeDrivers or HostAction.SetResetMethod;

    private static string ModuleLock(string module) => "module:" + module;

    // What the action locks for its whole length (called under _gate).
    private List<string> LocksOf(HostAction action, string target)
    {
        switch (action)
        {
            case var _ when LocksDevice(action) && PciAddress.TryParse(target, out var address):
                return [address.ToString()];
            case HostAction.VtConsoleBind:
                return ["vtconsole:" + target];
            case HostAction.FramebufferBind or HostAction.FramebufferUnbind:
                return ["framebuffer:" + target];
            case HostAction.LoadModule:
                return [ModuleLock(target)];
            case HostAction.UnloadModule when _catalog.TryGetValue(target, out var module):
                return [ModuleLock(target), .. _ids.Keys.Where(a => DriverOf(a) is { } d && module.Drivers.Contains(d)).Select(a => a.ToString())];
            case HostAction.UnloadModule:
                return [ModuleLock(target)];
            default:
                return [];
        }
    }

    // The locks an action must wait for besides its own: a module load waits for every module it needs.
    private IEnumerable<string> WaitsFor(HostAction action, string target)
    {
        if (action != HostAction.LoadModule)
        {
            return [];
        }

        var needed = new List<string>();
        void Walk(string m)
        {
            foreach (var d in _catalog.TryGetValue(m, out var module) ? module.DependsOn : [])
            {
                if (!needed.Contains(d))
                {
                    needed.Add(d);
                    Walk(d);
                }
            }
        }

        Walk(target);
        return needed.Select(ModuleLock);
    }

    // Waits for the action's locks, takes them, and counts the write as in flight; returns what it took.
    private List<string> Enter(HostAction action, string target, bool kernelWrite)
    {
        var me = Environment.CurrentManagedThreadId;
        lock (_gate)
        {
            if (kernelWrite)
            {
                _inFlight[target] = _inFlight.GetValueOrDefault(target) + 1;
            }

            // A module already going is not waited for by its own unload: delete_module refuses it at once, before it
            // touches any device (see Unload's check).
            var going = action == HostAction.UnloadModule && IsLockedByOther(ModuleLock(target));
            var taken = kernelWrite && !going ? LocksOf(action, target) : [];
            var wait = taken.Concat(kernelWrite ? WaitsFor(action, target) : []).ToList();
            while (!_disposed && wait.Any(k => _locks.TryGetValue(k, out var owner) && owner != me))
            {
                Monitor.Wait(_gate);
            }

            taken = [.. taken.Where(k => !_locks.ContainsKey(k))];
            foreach (var key in taken)
            {
                _locks[key] = me;
            }

            return taken;
        }
    }

    private void Leave(string target, bool kernelWrite, List<string> taken)
    {
        lock (_gate)
        {
            if (!kernelWrite)
            {
            }
            else if (_inFlight.GetValueOrDefault(target) <= 1)
            {
                _inFlight.Remove(target);
            }
            else
            {
                _inFlight[target]--;
            }

            foreach (var key in taken.Where(k => _locks.TryGetValue(k, out var owner) && owner == Environment.CurrentManagedThreadId))
            {
                _locks.Remove(key);
            }

            Monitor.PulseAll(_gate);
        }
    }

    // True when another thread holds the device's lock (called under _gate).
    private bool IsLockedByOther(PciAddress address) => IsLockedByOther(address.ToString());

    // True when another thread holds the lock (called under _gate).
    private bool IsLockedByOther(string key) =>
        _locks.TryGetValue(key, out var owner) && owner != Environment.CurrentManagedThreadId;
}
