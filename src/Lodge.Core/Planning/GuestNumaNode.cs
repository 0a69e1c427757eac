namespace Lodge.Core.Planning;

/// <summary>One guest NUMA node when the guest spans several host nodes: its vCPUs, its share of RAM and the host node behind it.</summary>
/// <param name="Id">The guest node id (0, 1, ...).</param>
/// <param name="FirstVcpu">The first vCPU index of the node; vCPUs of one node are contiguous.</param>
/// <param name="VcpuCount">How many vCPUs the node has.</param>
/// <param name="MemoryMiB">The node's RAM.</param>
/// <param name="HostNode">The host NUMA node its vCPUs are pinned to and its RAM is bound to.</param>
public sealed record GuestNumaNode(int Id, int FirstVcpu, int VcpuCount, long MemoryMiB, int HostNode)
{
    /// <summary>The vCPU range as QEMU and libvirt write it: <c>0-7</c>.</summary>
    public string VcpuRange => VcpuCount == 1 ? $"{FirstVcpu}" : $"{FirstVcpu}-{FirstVcpu + VcpuCount - 1}";
}
