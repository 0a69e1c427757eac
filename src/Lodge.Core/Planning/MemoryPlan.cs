namespace Lodge.Core.Planning;

/// <summary>Guest RAM and its backing.</summary>
/// <param name="HugePageKiB">The hugepage size used, or null for normal pages.</param>
/// <param name="Shared">memfd with share=on, which vhost-user (virtiofs) needs.</param>
public sealed record MemoryPlan(long SizeBytes, long? HugePageKiB, bool Shared)
{
    /// <summary>True when RAM needs an explicit backend object.</summary>
    public bool NeedsBackend => HugePageKiB is not null || Shared;

    /// <summary>Pages the runtime allocates at start (on the vCPUs' node) and frees at stop; null when the pool already has them.</summary>
    public Runtime.HugePageAllocation? Allocate { get; init; }

    /// <summary>The size in MiB, the unit QEMU and libvirt are given.</summary>
    public long SizeMiB => (SizeBytes + (1 << 20) - 1) >> 20;
}
