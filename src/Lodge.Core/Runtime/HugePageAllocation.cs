namespace Lodge.Core.Runtime;

/// <summary>Hugepages the runtime allocates before QEMU starts and frees after it stops (<c>hugepages = "auto"</c> with no pool free).</summary>
/// <param name="Node">The NUMA node (<c>/sys/devices/system/node/nodeN/hugepages</c>); null for the global pool (<c>/sys/kernel/mm/hugepages</c>).</param>
/// <param name="PageKiB">The page size.</param>
/// <param name="Count">Pages to add to the pool.</param>
public sealed record HugePageAllocation(int? Node, long PageKiB, long Count)
{
    /// <summary>The pool's <c>nr_hugepages</c> file (host view).</summary>
    public string NrHugePagesPath => Node is { } n
        ? $"/sys/devices/system/node/node{n}/hugepages/hugepages-{PageKiB}kB/nr_hugepages"
        : $"/sys/kernel/mm/hugepages/hugepages-{PageKiB}kB/nr_hugepages";
}
