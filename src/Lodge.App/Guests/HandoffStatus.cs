using Lodge.App.Handoff;

namespace Lodge.App.Guests;

/// <summary>A handoff lodge supervises (issue 13, item 3), as <c>lodge status</c> shows it.</summary>
/// <param name="Machine">The machine whose GPU is (or was) handed off.</param>
/// <param name="Phase">Its supervisor's last recorded phase (<see cref="HandoffPhaseFile"/>).</param>
/// <param name="SupervisorRuns">Whether the supervisor still runs (false once it has ended, or when it died without finishing).</param>
public sealed record HandoffStatus(string Machine, HandoffPhase Phase, bool SupervisorRuns);
