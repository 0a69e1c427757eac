namespace Lodge.Linux.Runtime;

/// <summary>How <c>down</c> ended for one guest.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Elapsed">From the request to QEMU being gone.</param>
/// <param name="HelpersStopped">Helpers lodge had to stop itself (those that had not exited with QEMU).</param>
public sealed record DownResult(string Machine, DownOutcome Outcome, TimeSpan Elapsed, int HelpersStopped);
