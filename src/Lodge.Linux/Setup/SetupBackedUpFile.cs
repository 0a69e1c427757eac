namespace Lodge.Linux.Setup;

/// <summary>One file of an apply's manifest: whether it existed, its mode, and its sha256 before and after (null: no file).</summary>
/// <param name="Touched">True for files a command rewrote (kernelstub), whose after-state Lodge does not know.</param>
public sealed record SetupBackedUpFile(string Path, bool Existed, UnixFileMode Mode, string? Before, string? After, bool Touched = false);
