namespace Lodge.Core.Machines;

/// <summary>What a host path is, after its links are resolved.</summary>
public enum PathKind
{
    /// <summary>Nothing exists there (yet).</summary>
    Missing,

    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A block device (a whole disk or a partition).</summary>
    Block,

    /// <summary>Anything else: a character device, a socket, a FIFO.</summary>
    Other,
}
