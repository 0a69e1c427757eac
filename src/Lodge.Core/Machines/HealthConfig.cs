namespace Lodge.Core.Machines;

/// <summary><c>[health]</c>: how a guest with a passed-through GPU shows it is healthy before the watchdog gives up on it.</summary>
/// <param name="Command">A host command (an argv list, never a shell string) that exits 0 once the guest is up, e.g.
/// <c>["ssh", "win11", "exit"]</c>; null when QMP's "running" is enough.</param>
/// <param name="WithinSeconds">How long the guest has to become healthy (default 120).</param>
public sealed record HealthConfig(IReadOnlyList<string>? Command = null, int WithinSeconds = 120);
