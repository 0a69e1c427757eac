using Lodge.Linux.Processes;

namespace Lodge.Linux.Host;

/// <summary>Stops and starts <c>display-manager.service</c> with <c>systemctl</c>, which waits for the job to finish.</summary>
/// <remarks>TODO: talk to systemd over D-Bus (org.freedesktop.systemd1 StopUnit/StartUnit) once Lodge has a D-Bus client (issue 5).</remarks>
public sealed class SystemctlDisplayManagerControl(IProcessRunner runner, string systemctl = "systemctl") : IDisplayManagerControl
{
    private const string Unit = "display-manager.service";

    /// <summary>Uses the production process runner.</summary>
    public SystemctlDisplayManagerControl()
        : this(new ProcessRunner())
    {
    }

    /// <inheritdoc/>
    public Task StopDisplayManagerAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        // HOST EFFECT: the display manager and the graphical session stop; undone by StartDisplayManagerAsync.
        Run(HostAction.StopDisplayManager, "stop", timeout, cancellationToken);

    /// <inheritdoc/>
    public Task StartDisplayManagerAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        // HOST EFFECT: the display manager starts; undone by StopDisplayManagerAsync.
        Run(HostAction.StartDisplayManager, "start", timeout, cancellationToken);

    private Task Run(HostAction action, string verb, TimeSpan timeout, CancellationToken cancellationToken) =>
        HostWrite.RunAsync(
            action,
            Unit,
            () =>
            {
                var result = runner.Run(systemctl, [verb, Unit], timeout + TimeSpan.FromSeconds(1));
                if (result.TimedOut || result.ExitCode != 0)
                {
                    throw new HostWriteException(action, Unit, $"'{systemctl} {verb} {Unit}' failed with exit code {result.ExitCode}: {result.StandardError.Trim()}");
                }
            },
            timeout,
            cancellationToken);
}
