namespace Lodge.Core.Hardware;

/// <summary>Where the grouping of logical CPUs into physical cores came from, best first.</summary>
public enum SiblingSource
{
    /// <summary><c>topology/core_cpus_list</c> or <c>thread_siblings_list</c>: the kernel's own answer.</summary>
    Kernel,

    /// <summary>No sibling lists; <c>/proc/cpuinfo</c> says "siblings" equals "cpu cores", so every CPU is its own core.</summary>
    CpuInfoNoSmt,

    /// <summary>No sibling lists; CPUs with the same package, die, node and <c>core_id</c> are taken as one core.</summary>
    CoreId,

    /// <summary>Nothing tells; every CPU is counted as its own core.</summary>
    Unknown,
}
