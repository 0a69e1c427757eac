namespace Lodge.Linux.Runtime;

/// <summary>One process of a running guest as recorded in state.json: QEMU, a helper, or the supervisor.</summary>
/// <param name="Name">"qemu", "supervisor" or the helper's name.</param>
/// <param name="StartTicks">/proc/PID/stat start time, so a recycled pid is never mistaken for ours.</param>
/// <param name="Socket">The helper's ready socket or QEMU's QMP socket.</param>
public sealed record GuestProcessState(string Name, int Pid, long StartTicks, string? Socket);
