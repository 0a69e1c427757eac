namespace Lodge.Core.Machines;

/// <summary>How the host itself uses a block device.</summary>
public enum BlockUseKind
{
    /// <summary>A filesystem on it is mounted (<c>/proc/self/mountinfo</c>).</summary>
    Mounted,

    /// <summary>It is active swap (<c>/proc/swaps</c>).</summary>
    Swap,

    /// <summary>Another block device sits on it: LVM, MD RAID, dm-crypt (<c>/sys/class/block/NAME/holders</c>).</summary>
    Held,

    /// <summary>It holds the root filesystem.</summary>
    Root,
}
