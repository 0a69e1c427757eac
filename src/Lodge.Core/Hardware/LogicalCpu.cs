namespace Lodge.Core.Hardware;

/// <summary>One online logical CPU (<c>/sys/devices/system/cpu/cpuN</c>).</summary>
/// <param name="Id">N.</param>
/// <param name="ThreadSiblings">
/// The hardware threads of this CPU's core, this CPU included: <c>topology/core_cpus_list</c>, else
/// <c>thread_siblings_list</c> (Documentation/ABI/stable/sysfs-devices-system-cpu); empty when unknown or when the
/// list does not hold the CPU itself (a list that leaves its own CPU out is not the kernel's answer).
/// </param>
/// <param name="L3SharedWith">cache/index*/shared_cpu_list for the level-3 cache.</param>
public sealed record LogicalCpu(
    int Id,
    int? Package,
    int? Die,
    int? Core,
    IReadOnlyList<int> ThreadSiblings,
    IReadOnlyList<int>? L3SharedWith,
    CpuCoreType? CoreType)
{
    /// <summary><c>topology/package_cpus_list</c> (older kernels: <c>core_siblings_list</c>); null when unknown.</summary>
    public IReadOnlyList<int>? PackageCpus { get; init; }

    /// <summary><c>topology/die_cpus_list</c> (kernel 5.2 and later); null when unknown.</summary>
    public IReadOnlyList<int>? DieCpus { get; init; }

    /// <summary><c>topology/cluster_cpus_list</c> (kernel 5.16 and later; E-core modules share one L2); null when unknown.</summary>
    public IReadOnlyList<int>? ClusterCpus { get; init; }

    /// <summary>cache/index*/shared_cpu_list for the level-2 cache; null when unknown.</summary>
    public IReadOnlyList<int>? L2SharedWith { get; init; }

    /// <summary>The NUMA node that lists this CPU; null when no node does.</summary>
    public int? Node { get; init; }
}
