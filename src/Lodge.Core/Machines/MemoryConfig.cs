namespace Lodge.Core.Machines;

/// <summary><c>[memory]</c>: guest RAM and its backing.</summary>
/// <param name="SizeBytes">Guest RAM in bytes.</param>
/// <param name="HugePages"><c>auto</c>, <c>off</c>, <c>2M</c> or <c>1G</c>.</param>
public sealed record MemoryConfig(long SizeBytes = 8L << 30, string HugePages = "auto")
{
    /// <summary>The page size asked for explicitly, in KiB; null for <c>auto</c> and <c>off</c>.</summary>
    public long? HugePageKiB => HugePages switch
    {
        "2M" => 2048,
        "1G" => 1024 * 1024,
        _ => null,
    };
}
