namespace Lodge.App.Handoff;

/// <summary>One record of <see cref="HandoffPhaseFile"/>.</summary>
/// <param name="Pid">The supervisor's process id.</param>
/// <param name="Phase">One of the phases of <see cref="HandoffPhaseFile"/>.</param>
/// <param name="Unit">The transient systemd unit (<c>lodge-NAME.service</c>), or null for a setsid supervisor.</param>
/// <param name="ExitCode">The supervisor's exit code once <see cref="Phase"/> is <c>ended</c>.</param>
/// <param name="Log">The supervisor's log.</param>
public sealed record HandoffPhase(int Pid, string Phase, string? Unit, int? ExitCode, string Log);
