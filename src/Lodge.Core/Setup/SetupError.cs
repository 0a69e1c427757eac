namespace Lodge.Core.Setup;

/// <summary>Why setup refuses to write anything: a malformed or unexpected file, or a boot loader Lodge does not know.</summary>
/// <param name="Path">The file at fault, or null when no one file is.</param>
/// <param name="Message">One sentence naming the file and what is wrong.</param>
/// <param name="Hint">The fix, on its own line.</param>
public sealed record SetupError(string? Path, string Message, string Hint);
