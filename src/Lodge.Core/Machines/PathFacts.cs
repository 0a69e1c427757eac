namespace Lodge.Core.Machines;

/// <summary>What the host shows about one path a machine names (a disk or a share), gathered by the shell.</summary>
/// <param name="Path">The path as Lodge uses it: absolute, with a relative disk path put below the state folder.</param>
/// <param name="Resolved">The path with every link (and <c>/dev/disk/by-*</c> name) resolved; for a missing path, its
/// nearest existing parent resolved with the rest appended.</param>
public sealed record PathFacts(string Path, string Resolved, PathKind Kind)
{
    /// <summary>The owner of the file, when known.</summary>
    public int? OwnerUid { get; init; }

    /// <summary>The kernel name of the block device (<c>sdb</c>, <c>nvme0n1p2</c>, <c>loop0</c>) when <see cref="Kind"/> is <see cref="PathKind.Block"/>.</summary>
    public string? BlockDevice { get; init; }

    /// <summary>Every use of the block device or its partitions by the host; empty when it is free.</summary>
    public IReadOnlyList<BlockUse> Uses { get; init; } = [];
}
