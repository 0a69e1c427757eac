namespace Lodge.Core.Hardware;

/// <summary>One physical core: the online logical CPUs that are its hardware threads, and where it sits.</summary>
/// <param name="Cpus">The core's online CPUs, sorted (its SMT siblings).</param>
/// <param name="Package">The package key (the first CPU of <c>package_cpus_list</c>, else <c>physical_package_id</c>); null when unknown.</param>
/// <param name="Node">The NUMA node; null when unknown.</param>
/// <param name="L3">The CPUs sharing this core's L3 cache; null when the tree has no cache data.</param>
/// <param name="CoreType">P- or E-core on a hybrid CPU; null elsewhere.</param>
public sealed record PhysicalCore(IReadOnlyList<int> Cpus, int? Package, int? Node, IReadOnlyList<int>? L3, CpuCoreType? CoreType);
