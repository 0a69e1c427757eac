namespace Lodge.Core.Machines;

/// <summary>One use of a block device (or of one of its partitions) by the host.</summary>
/// <param name="Device">The kernel name of the device in use, such as <c>sdb1</c>.</param>
/// <param name="Detail">The mount point, the swap path or the holder's name; empty for <see cref="BlockUseKind.Root"/>.</param>
public sealed record BlockUse(string Device, BlockUseKind Kind, string Detail)
{
    /// <summary>The use as a clause: <c>'sdb1' is mounted on '/mnt'</c>.</summary>
    public string Describe() => Kind switch
    {
        BlockUseKind.Mounted => $"'{Device}' is mounted on '{Detail}'",
        BlockUseKind.Swap => $"'{Device}' is active swap",
        BlockUseKind.Held => $"'{Device}' is in use by '{Detail}' (LVM, RAID or device-mapper)",
        _ => $"'{Device}' holds the root filesystem",
    };
}
