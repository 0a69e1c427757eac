namespace Lodge.Core.Hardware;

/// <summary>Memory and hugepage pools.</summary>
public sealed record MemoryInfo
{
    public long? TotalKiB { get; init; }

    public long? AvailableKiB { get; init; }

    /// <summary>One pool per page size under <c>/sys/kernel/mm/hugepages</c>.</summary>
    public IReadOnlyList<HugePagePool> HugePages { get; init; } = [];

    /// <summary>The default hugepage size from meminfo (<c>Hugepagesize</c>), in KiB.</summary>
    public long? DefaultHugePageKiB { get; init; }
}
