using Lodge.Linux.Handoff;

namespace Lodge.App.Handoff;

/// <summary>A guest control that tells the supervisor's phase file when the guest runs and when the way back begins.</summary>
/// <param name="inner">The real guest control.</param>
/// <param name="phase">Records a phase of <see cref="HandoffPhaseFile"/>.</param>
public sealed class PhaseReportingGuest(IGuestControl inner, Action<string> phase) : IGuestControl
{
    /// <summary>The guest control this one wraps.</summary>
    public IGuestControl Inner => inner;

    /// <inheritdoc/>
    public async Task StartAsync(string guest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phase);
        await inner.StartAsync(guest, cancellationToken).ConfigureAwait(false);
        phase(HandoffPhaseFile.Running);
    }

    /// <inheritdoc/>
    public TimeSpan? StopWithin => inner.StopWithin;

    /// <inheritdoc/>
    public async Task StopAsync(string guest, CancellationToken cancellationToken = default)
    {
        phase(HandoffPhaseFile.GivingBack);
        await inner.StopAsync(guest, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await inner.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        phase(HandoffPhaseFile.GivingBack);
    }
}
