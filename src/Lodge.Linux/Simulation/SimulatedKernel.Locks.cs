using Lodge.Core.Hardware;
using Lodge.Linux.Host;

namespace Lodge.Linux.Simulation;

/// <summary>Device locks and writes in flight: a write that hangs keeps its device locked, so every later write to it
/// (and every driver load that matches it) blocks as well, exactly as a thread stuck in the kernel does.</summary>
public sealed partial class SimulatedKernel
{
    private readonly Dictionary<PciAddress, int> _deviceLocks = [];
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);

    private static bool LocksDevice(HostAction action) =>
        action is HostAction.Unbind or HostAction.Bind or HostAction.SetDriverOverride or HostAction.ProbeDrivers or HostAction.SetResetMethod;

    // Waits for the device's lock (when the write takes one) and counts the write as in flight.
    private void Enter(string? target, PciAddress? device)
    {
        lock (_gate)
        {
            if (target is not null)
            {
                _inFlight[target] = _inFlight.GetValueOrDefault(target) + 1;
            }

            if (device is not { } d)
            {
                return;
            }

            while (_deviceLocks.ContainsKey(d) && !_disposed)
            {
                Monitor.Wait(_gate);
            }

            _deviceLocks[d] = Environment.CurrentManagedThreadId;
        }
    }

    private void Leave(string? target, PciAddress? device)
    {
        lock (_gate)
        {
            if (target is null)
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

            if (device is { } d && _deviceLocks.TryGetValue(d, out var owner) && owner == Environment.CurrentManagedThreadId)
            {
                _deviceLocks.Remove(d);
            }

            Monitor.PulseAll(_gate);
        }
    }

    // True when another thread holds the device's lock (called under _gate).
    private bool IsLockedByOther(PciAddress address) =>
        _deviceLocks.TryGetValue(address, out var owner) && owner != Environment.CurrentManagedThreadId;
}
