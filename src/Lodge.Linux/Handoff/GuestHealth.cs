namespace Lodge.Linux.Handoff;

/// <summary>What the watchdog asks: has the guest shown it is healthy (QMP says running, and when configured an agent ping or a user command succeeds)?</summary>
/// <param name="HealthyWithin">How long the guest has to become healthy before the watchdog stops it and gives the GPU back.</param>
/// <param name="PollInterval">How often the check runs; one check may take at most this long.</param>
/// <param name="IsHealthy">The check: every configured condition, combined with <see cref="All"/>.</param>
public sealed record GuestHealth(TimeSpan HealthyWithin, TimeSpan PollInterval, Func<CancellationToken, Task<bool>> IsHealthy)
{
    /// <summary>Healthy when every check is: e.g. QMP <c>query-status</c> says running, and <c>guest-ping</c> answers.</summary>
    public static Func<CancellationToken, Task<bool>> All(params Func<CancellationToken, Task<bool>>[] checks) =>
        async cancellationToken =>
        {
            foreach (var check in checks)
            {
                if (!await check(cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }

            return true;
        };
}
