namespace Lodge.Linux.Handoff;

/// <summary>The sessions logind keeps (production: <see cref="LogindSessions"/> over the system bus; tests: a fake).</summary>
public interface ILoginSessions
{
    /// <summary>Every session now; empty when logind cannot be asked (no system bus, no logind).</summary>
    Task<IReadOnlyList<LoginSession>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends session <paramref name="id"/> (login1 <c>TerminateSession</c>): logind stops its scope, so its
    /// processes end and the display manager does not count it as a crash that needs a new greeter.</summary>
    Task TerminateAsync(string id, CancellationToken cancellationToken = default);
}
