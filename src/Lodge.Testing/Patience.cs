namespace Lodge.Testing;

/// <summary>How long a test waits for an event of a real component (QEMU under TCG, a guest's boot, a helper's socket).</summary>
/// <remarks>A limit, never a deadline the event is expected to beat: on a busy 2-core machine TCG firmware can take
/// minutes. Tests wait on the event itself and print the time it took (issue 10, item 15).</remarks>
public static class Patience
{
    /// <summary>A test's own limit in milliseconds (for <c>[Fact(Timeout = ...)]</c>): 10 minutes.</summary>
    public const int TestMilliseconds = 600_000;

    /// <summary>The limit on one awaited event of a real component: 5 minutes.</summary>
    public static readonly TimeSpan Event = TimeSpan.FromMinutes(5);
}
