using Lodge.Core;

namespace Lodge.Linux.Host;

/// <summary>The host refused a write (the kernel returned an error, a file is missing, or a module command failed).</summary>
public class HostWriteException(HostAction action, string target, string message, Exception? innerException = null)
    : LodgeException(message, innerException)
{
    /// <summary>What Lodge tried to do.</summary>
    public HostAction Action { get; } = action;

    /// <summary>What it was done to: a PCI address, a module, a vtconsole, a framebuffer device or a unit.</summary>
    public string Target { get; } = target;
}
