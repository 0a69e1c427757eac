namespace Lodge.Core.Hardware;

/// <summary>One online logical CPU (<c>/sys/devices/system/cpu/cpuN</c>).</summary>
/// <param name="Id">N.</param>
/// <param name="ThreadSiblings">thread_siblings_list: the SMT siblings including this CPU.</param>
/// <param name="L3SharedWith">cache/index*/shared_cpu_list for the level-3 cache.</param>
public sealed record LogicalCpu(
    int Id,
    int? Package,
    int? Die,
    int? Core,
    IReadOnlyList<int> ThreadSiblings,
    IReadOnlyList<int>? L3SharedWith,
    CpuCoreType? CoreType);
