using Lodge.Linux.Host;

namespace Lodge.Linux.Simulation;

/// <summary>Systemd units besides the display manager: nvidia-persistenced keeps /dev/nvidiactl open, so nvidia stays in use while it runs.</summary>
public sealed partial class SimulatedKernel : IServiceControl
{
    /// <summary>The unit that keeps the nvidia module in use.</summary>
    public const string NvidiaPersistenced = "nvidia-persistenced.service";

    private readonly SortedSet<string> _activeServices = new(StringComparer.Ordinal);

    /// <summary>Says whether <paramref name="unit"/> runs.</summary>
    public SimulatedKernel WithService(string unit, bool active)
    {
        HostNames.Unit(unit);
        lock (_gate)
        {
            if (active)
            {
                _activeServices.Add(unit);
            }
            else
            {
                _activeServices.Remove(unit);
            }

            WriteProcModules();
        }

        return this;
    }

    /// <summary>True while <paramref name="unit"/> runs.</summary>
    public bool IsServiceActive(string unit)
    {
        lock (_gate)
        {
            return _activeServices.Contains(unit);
        }
    }

    /// <inheritdoc/>
    public Task StopUnitAsync(string unit, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var name = HostNames.Unit(unit);
        return Act(HostAction.StopService, name, $"StopService {name}", timeout, cancellationToken, () => _activeServices.Remove(name));
    }

    /// <inheritdoc/>
    public Task StartUnitAsync(string unit, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var name = HostNames.Unit(unit);
        return Act(HostAction.StartService, name, $"StartService {name}", timeout, cancellationToken, () =>
        {
            if (name == NvidiaPersistenced && !_loaded.Contains("nvidia"))
            {
                throw Refuse(HostAction.StartService, name, "nvidia-persistenced.service failed: the nvidia module is not loaded.");
            }

            _activeServices.Add(name);
        });
    }
}
