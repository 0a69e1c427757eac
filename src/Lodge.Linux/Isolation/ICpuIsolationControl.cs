namespace Lodge.Linux.Isolation;

/// <summary>Reads and sets the CPUs a systemd unit's processes may run on (<c>AllowedCPUs</c>, a runtime property).</summary>
/// <remarks>An empty list means no limit, as systemd writes it (systemd.resource-control(5), "AllowedCPUs=").</remarks>
public interface ICpuIsolationControl
{
    /// <summary>The unit's current AllowedCPUs; empty when it has no limit.</summary>
    Task<IReadOnlyList<int>> GetAllowedCpusAsync(string unit, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Sets the unit's AllowedCPUs for this boot only; an empty list lifts the limit.</summary>
    Task SetAllowedCpusAsync(string unit, IReadOnlyList<int> cpus, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Moves a process into a transient scope of its own under <c>machine.slice</c> (as libvirt's machined does), so that limits on the host's slices do not reach it; the scope ends with the process.</summary>
    Task MoveToScopeAsync(string scope, int pid, TimeSpan timeout, CancellationToken cancellationToken = default);
}
