namespace Lodge.Core.Passthrough;

/// <summary>A fact about a device that matters for passthrough: one sentence saying why, and the fix.</summary>
/// <param name="Code">A stable identifier such as <c>shared-group</c> or <c>amd-reset-bug</c>.</param>
/// <param name="Message">One full sentence.</param>
/// <param name="Fix">What to do, or null when nothing is needed.</param>
public sealed record Finding(Severity Severity, string Code, string Message, string? Fix);
