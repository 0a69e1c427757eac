namespace Lodge.Linux.Runtime;

/// <summary>A guest was refused because another guest or process holds one of its disks.</summary>
public sealed class DiskHeldException(string machine, string disk, string holder)
    : GuestRuntimeException(machine, $"Cannot start '{machine}': its disk '{disk}' is held by {holder}.")
{
    /// <summary>The disk's host path.</summary>
    public string Disk { get; } = disk;

    /// <summary>Who holds it, e.g. "guest 'web' (pid 1234)" or "pid 99 (dd if=...)".</summary>
    public string Holder { get; } = holder;
}
