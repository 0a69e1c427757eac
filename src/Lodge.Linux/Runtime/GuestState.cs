namespace Lodge.Linux.Runtime;

/// <summary>What <c>{RunDir}/state.json</c> records about a running guest, so that any later lodge command can find, inspect or clean it.</summary>
/// <param name="Phase">Starting while helpers and QEMU start, running once QMP answered.</param>
/// <param name="Supervisor">The lodge process watching QEMU (the foreground <c>up</c> or the detached supervisor).</param>
/// <param name="Qemu">Null while helpers start, before QEMU runs.</param>
/// <param name="Shares">Host folders the guest shares, as "tag: path (protocol)".</param>
/// <param name="HugePages">Hugepages allocated for the guest at start; <paramref name="HugePagesBefore"/> is the pool's count to restore.</param>
/// <param name="Isolated">The host's units are limited to the housekeeping CPUs (the isolation journal says how to undo it).</param>
public sealed record GuestState(
    string Machine,
    GuestPhase Phase,
    DateTimeOffset StartedAt,
    GuestProcessState? Supervisor,
    GuestProcessState? Qemu,
    IReadOnlyList<GuestProcessState> Helpers,
    string QmpSocket,
    string? SerialSocket,
    IReadOnlyList<string> Disks,
    IReadOnlyList<string> Shares,
    IReadOnlyList<string> ConnectHints,
    Lodge.Core.Runtime.MdevSpec? Mdev = null,
    bool Isolated = false,
    Lodge.Core.Runtime.HugePageAllocation? HugePages = null,
    long HugePagesBefore = 0)
{
    /// <summary>Every recorded process: helpers, then QEMU, then the supervisor.</summary>
    public IEnumerable<GuestProcessState> Processes =>
        Helpers.Concat(Qemu is null ? [] : [Qemu]).Concat(Supervisor is null ? [] : [Supervisor]);
}
