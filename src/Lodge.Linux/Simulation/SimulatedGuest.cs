using Lodge.Core.Hardware;
using Lodge.Linux.Handoff;

namespace Lodge.Linux.Simulation;

/// <summary>A guest that stands in for QEMU: it checks that its devices are on vfio-pci, "runs" for a while, and exits.</summary>
/// <remarks>Like QEMU, it refuses to start when a device of the group is not bound to vfio-pci ("group is not viable").</remarks>
public sealed class SimulatedGuest(SimulatedKernel kernel, IReadOnlyList<PciAddress> devices) : IGuestControl
{
    private readonly object _gate = new();
    private TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long the guest runs before it shuts itself down; null runs until stopped.</summary>
    public TimeSpan? Lifetime { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>When true, the guest starts but never becomes healthy (for the watchdog).</summary>
    public bool NeverHealthy { get; init; }

    /// <summary>Makes the next start fail.</summary>
    public bool FailStart { get; set; }

    /// <summary>Makes the next start hang until the guest is disposed of (never returns).</summary>
    public bool HangStart { get; set; }

    /// <summary>True while the guest runs.</summary>
    public bool Running { get; private set; }

    /// <summary>How many times it was stopped from outside (by the watchdog, a rollback or rescue).</summary>
    public int Stops { get; private set; }

    /// <summary>The drivers of its devices at the moment it started, by address.</summary>
    public IReadOnlyDictionary<PciAddress, string?> DriversAtStart { get; private set; } = new Dictionary<PciAddress, string?>();

    /// <summary>The watchdog's health check: running and not <see cref="NeverHealthy"/>.</summary>
    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => Task.FromResult(Running && !NeverHealthy);

    /// <inheritdoc/>
    public async Task StartAsync(string guest, CancellationToken cancellationToken = default)
    {
        if (HangStart)
        {
            HangStart = false;
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        if (FailStart)
        {
            FailStart = false;
            throw new InvalidOperationException($"The simulated guest '{guest}' failed to start.");
        }

        var scan = kernel.ScanForHandoff();
        var drivers = devices.ToDictionary(d => d, d => scan.FindDevice(d)?.Driver);
        foreach (var (address, driver) in drivers.Where(d => d.Value != "vfio-pci"))
        {
            throw new InvalidOperationException($"vfio {address}: group is not viable ('{address}' is bound to '{driver ?? "nothing"}', not 'vfio-pci').");
        }

        kernel.OpenVfioContainer();
        lock (_gate)
        {
            DriversAtStart = drivers;
            Running = true;
            _exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (Lifetime is { } lifetime)
        {
            _ = Task.Delay(lifetime, CancellationToken.None).ContinueWith(_ => Exit(), TaskScheduler.Default);
        }
    }

    /// <inheritdoc/>
    public Task StopAsync(string guest, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Running)
            {
                Stops++;
            }
        }

        Exit();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Running ? _exited.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
        }
    }

    private void Exit()
    {
        lock (_gate)
        {
            if (Running)
            {
                kernel.CloseVfioContainer();
            }

            Running = false;
            _exited.TrySetResult();
        }
    }
}
