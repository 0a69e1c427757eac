using System.Diagnostics.Contracts;

namespace Lodge.Qmp.Protocol;

/// <summary>Timeouts and limits for a <see cref="QmpSession"/>.</summary>
public sealed record QmpSessionOptions
{
    /// <summary>The defaults: 10 s to connect and negotiate, 30 s per command, 4096 buffered events.</summary>
    public static QmpSessionOptions Default { get; } = new();

    /// <summary>How long opening the socket, the greeting and <c>qmp_capabilities</c> may take together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a command waits for its reply unless the call gives its own timeout.</summary>
    /// <remarks><see cref="Timeout.InfiniteTimeSpan"/> disables it.</remarks>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many unread events <see cref="QmpSession.Events"/> keeps before it drops the oldest.</summary>
    public int EventBufferCapacity { get; init; } = 4096;

    /// <summary>The clock behind every timeout.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Returns a copy with another <see cref="ConnectTimeout"/>.</summary>
    [Pure]
    public QmpSessionOptions WithConnectTimeout(TimeSpan timeout) => this with { ConnectTimeout = timeout };

    /// <summary>Returns a copy with another <see cref="CommandTimeout"/>.</summary>
    [Pure]
    public QmpSessionOptions WithCommandTimeout(TimeSpan timeout) => this with { CommandTimeout = timeout };

    /// <summary>Returns a copy with another <see cref="EventBufferCapacity"/>.</summary>
    [Pure]
    public QmpSessionOptions WithEventBufferCapacity(int capacity) => this with { EventBufferCapacity = capacity };

    /// <summary>Returns a copy with another <see cref="TimeProvider"/>.</summary>
    [Pure]
    public QmpSessionOptions WithTimeProvider(TimeProvider timeProvider) => this with { TimeProvider = timeProvider };
}
