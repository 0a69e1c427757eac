namespace Lodge.Linux.Host;

/// <summary>Stops and starts a named systemd unit (production: systemd over D-Bus), such as <c>nvidia-persistenced.service</c>.</summary>
/// <remarks>Both calls are idempotent, like <c>systemctl stop/start</c>; each waits until the job finishes.</remarks>
public interface IServiceControl
{
    /// <summary>Stops <paramref name="unit"/> and waits until it is inactive.</summary>
    Task StopUnitAsync(string unit, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Starts <paramref name="unit"/> and waits until it is active.</summary>
    Task StartUnitAsync(string unit, TimeSpan timeout, CancellationToken cancellationToken = default);
}
