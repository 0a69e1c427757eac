namespace Lodge.Core.Hardware;

/// <summary>One NUMA node (<c>/sys/devices/system/node/nodeN</c>): its CPUs, its memory and its own hugepage pools.</summary>
/// <param name="Id">N.</param>
/// <param name="Cpus">The node's CPUs from <c>cpulist</c>, else from its <c>cpuM</c> links; empty when the tree names none.</param>
/// <param name="MemTotalKiB"><c>Node N MemTotal</c> from the node's <c>meminfo</c>; null when unknown.</param>
/// <param name="MemFreeKiB"><c>Node N MemFree</c>; null when unknown.</param>
public sealed record NumaNode(int Id, IReadOnlyList<int> Cpus, long? MemTotalKiB, long? MemFreeKiB)
{
    /// <summary>The node's pools under <c>nodeN/hugepages/hugepages-&lt;size&gt;kB</c>; empty when unknown.</summary>
    public IReadOnlyList<HugePagePool> HugePages { get; init; } = [];
}
