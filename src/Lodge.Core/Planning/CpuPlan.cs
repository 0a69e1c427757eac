namespace Lodge.Core.Planning;

/// <summary>The guest's CPU topology and where its threads run on the host.</summary>
/// <param name="VcpuPins">Host CPU of vCPU i; empty when vCPUs float.</param>
/// <param name="EmulatorCpus">Host CPUs for QEMU's main and I/O threads; empty when they float.</param>
/// <param name="HostIsAmd">Adds topoext so the guest sees SMT on AMD.</param>
public sealed record CpuPlan(int Cores, int Threads, IReadOnlyList<int> VcpuPins, IReadOnlyList<int> EmulatorCpus, bool HostIsAmd, bool HostIsIntel)
{
    /// <summary>Newer Hyper-V enlightenments (<c>hv-tlbflush</c>, ...) the installed QEMU has, for Windows guests.</summary>
    public IReadOnlyList<string> HyperVExtra { get; init; } = [];

    /// <summary>cores × threads.</summary>
    public int Vcpus => Cores * Threads;
}
