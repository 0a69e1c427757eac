namespace Lodge.Linux.Processes;

/// <summary>How a finished program ended and what it printed.</summary>
/// <param name="ExitCode">The exit code; meaningless when <paramref name="TimedOut"/> is true.</param>
/// <param name="TimedOut">True when the program outlived its timeout and was killed (with its children).</param>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut = false);
