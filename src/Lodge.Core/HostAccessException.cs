namespace Lodge.Core;

/// <summary>A host path could not be read or written.</summary>
public sealed class HostAccessException(string message, string path, Exception? innerException = null)
    : LodgeException(message, innerException)
{
    public string Path { get; } = path;
}
