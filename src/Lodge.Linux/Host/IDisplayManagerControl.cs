namespace Lodge.Linux.Host;

/// <summary>Stops and starts <c>display-manager.service</c> (production: systemd over D-Bus).</summary>
/// <remarks>Stopping also ends the user's graphical session. Both calls are idempotent, like <c>systemctl stop/start</c>.</remarks>
public interface IDisplayManagerControl
{
    /// <summary>Stops the display manager and waits until the stop job finishes.</summary>
    Task StopDisplayManagerAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Starts the display manager and waits until the start job finishes.</summary>
    Task StartDisplayManagerAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
