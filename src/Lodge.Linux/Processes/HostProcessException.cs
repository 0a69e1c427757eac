using Lodge.Core;

namespace Lodge.Linux.Processes;

/// <summary>A host program could not be started (missing, not executable, or refused by the kernel).</summary>
public sealed class HostProcessException(string message, string file, Exception? innerException = null)
    : LodgeException(message, innerException)
{
    /// <summary>The program Lodge tried to start.</summary>
    public string File { get; } = file;
}
