namespace Lodge.Core.Runtime;

/// <summary>Where the runtime pins QEMU's threads once they exist (QMP query-cpus-fast gives the vCPU thread ids).</summary>
/// <param name="VcpuCpus">Host CPU of vCPU i.</param>
/// <param name="EmulatorCpus">Host CPUs for every other QEMU thread (main loop, I/O thread); empty to leave them.</param>
/// <param name="HousekeepingCpus">With <c>[cpu] isolate = true</c>, the CPUs system.slice, user.slice and init.scope are limited to while the guest runs; null or empty for no isolation.</param>
public sealed record CpuPinning(IReadOnlyList<int> VcpuCpus, IReadOnlyList<int> EmulatorCpus, IReadOnlyList<int>? HousekeepingCpus = null);
