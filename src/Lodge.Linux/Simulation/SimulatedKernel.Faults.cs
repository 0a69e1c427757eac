using Lodge.Core.Hardware;
using Lodge.Linux.Host;

namespace Lodge.Linux.Simulation;

/// <summary>Fault injection (fail or hang an action on a target) and simulated holders of devices.</summary>
public sealed partial class SimulatedKernel
{
    private readonly List<FaultRule> _faults = [];
    private readonly List<SimulatedHolder> _holders = [];
    private readonly List<SimulatedHang> _stuck = [];

    /// <summary>Processes that hold a device now.</summary>
    public IReadOnlyList<SimulatedHolder> Holders
    {
        get
        {
            lock (_gate)
            {
                return [.. _holders];
            }
        }
    }

    /// <summary>Makes the next <paramref name="times"/> <paramref name="action"/>s (on <paramref name="target"/>, or on anything when null) fail.</summary>
    /// <remarks>A target is a PCI address, module, vtconsole id, framebuffer device or <c>display-manager.service</c>. The host is left unchanged.</remarks>
    public void FailOn(HostAction action, string? target = null, int times = 1)
    {
        lock (_gate)
        {
            _faults.Add(new FaultRule(action, target, times, hang: null));
        }
    }

    /// <summary>Makes the next <paramref name="times"/> matching actions block until the returned hang is released (or forever).</summary>
    public SimulatedHang HangOn(HostAction action, string? target = null, int times = 1)
    {
        var hang = new SimulatedHang();
        lock (_gate)
        {
            _faults.Add(new FaultRule(action, target, times, hang));
        }

        return hang;
    }

    /// <summary>Blocks the calling thread as a read or write that never returns does, until the kernel goes (its disposal,
    /// as a reboot, lets it go); returns at once when it is gone already.</summary>
    public void Stuck()
    {
        var hang = new SimulatedHang();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _stuck.Add(hang);
        }

        hang.Wait();
    }

    /// <summary>A process opens the device; its unbind blocks and its driver's module stays in use until the holder is disposed.</summary>
    public SimulatedHolder Hold(PciAddress address, string process, bool endsWithDisplayManager = false)
    {
        var holder = new SimulatedHolder(address, process, Release) { EndsWithDisplayManager = endsWithDisplayManager };
        lock (_gate)
        {
            _holders.Add(holder);
            WriteProcModules();
        }

        return holder;
    }

    private void Release(SimulatedHolder holder)
    {
        lock (_gate)
        {
            _holders.Remove(holder);
            WriteProcModules();
            Monitor.PulseAll(_gate);
        }
    }

    // Runs on the action's own thread, before the kernel rule: a hang blocks here, a failure changes nothing.
    private void Inject(HostAction action, string target)
    {
        FaultRule? rule;
        lock (_gate)
        {
            rule = _faults.FirstOrDefault(f => f.Action == action && (f.Target is null || f.Target == target) && f.Remaining > 0);
            if (rule is not null)
            {
                rule.Remaining--;
            }
        }

        if (rule?.Hang is { } hang)
        {
            hang.Wait();
        }
        else if (rule is not null)
        {
            throw Refuse(action, target, $"Simulated failure of {action} on '{target}'.");
        }
    }

    private void ReleaseAllHangs()
    {
        lock (_gate)
        {
            foreach (var f in _faults)
            {
                f.Hang?.Release();
            }

            foreach (var hang in _stuck)
            {
                hang.Release();
            }
        }
    }

    private sealed class FaultRule(HostAction action, string? target, int remaining, SimulatedHang? hang)
    {
        public HostAction Action { get; } = action;

        public string? Target { get; } = target;

        public int Remaining { get; set; } = remaining;

        public SimulatedHang? Hang { get; } = hang;
    }
}
