namespace Lodge.Core.Planning;

/// <summary>The guest's CPU topology and where its threads run on the host.</summary>
/// <param name="Threads">Guest threads per core: more than 1 only when the pinned host CPUs are real siblings (or the vCPUs float on an SMT host).</param>
/// <param name="VcpuPins">Host CPU of vCPU i; empty when vCPUs float.</param>
/// <param name="EmulatorCpus">Host CPUs for QEMU's main and I/O threads; empty when they float.</param>
/// <param name="HostIsAmd">The host CPU is AMD (macOS guests get a Penryn model there).</param>
public sealed record CpuPlan(int Cores, int Threads, IReadOnlyList<int> VcpuPins, IReadOnlyList<int> EmulatorCpus, bool HostIsAmd, bool HostIsIntel)
{
    /// <summary>Newer Hyper-V enlightenments (<c>hv-tlbflush</c>, ...) the installed QEMU has, for Windows guests.</summary>
    public IReadOnlyList<string> HyperVExtra { get; init; } = [];

    /// <summary>cores × threads.</summary>
    public int Vcpus => Cores * Threads;

    /// <summary>Ask for topoext (AMD's extended topology, so the guest sees SMT): only when the host flags have it and the guest has threads.</summary>
    public bool Topoext { get; init; }

    /// <summary>Pass the host's cache description through (<c>host-cache-info=on</c>): only for whole pinned cores inside one L3 domain.</summary>
    public bool HostCacheInfo { get; init; }

    /// <summary>The host NUMA node every vCPU sits on, for binding RAM there; null when the host shows one node or none, or the vCPUs float or span nodes.</summary>
    public int? HostNode { get; init; }

    /// <summary>The guest NUMA layout when the guest spans several host nodes; empty otherwise.</summary>
    public IReadOnlyList<GuestNumaNode> GuestNodes { get; init; } = [];

    /// <summary>The host CPUs the host's own work is limited to while the guest runs (<c>[cpu] isolate = true</c>); empty when not isolating.</summary>
    public IReadOnlyList<int> HousekeepingCpus { get; init; } = [];
}
