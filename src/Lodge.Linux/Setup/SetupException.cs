using Lodge.Core;

namespace Lodge.Linux.Setup;

/// <summary><c>lodge setup</c> refused or failed: a malformed file, an unknown boot loader, a failed write or command.</summary>
/// <param name="path">The host file at fault, or null.</param>
public sealed class SetupException(string message, string? path = null, Exception? innerException = null)
    : LodgeException(message, innerException)
{
    /// <summary>The host-view path at fault, or null when no one file is.</summary>
    public string? Path { get; } = path;
}
