namespace Lodge.Core.Qemu;

/// <summary>Guest RAM: plain, or a memfd backend when hugepages or virtiofs need one.</summary>
/// <remarks>memfd covers both: <c>hugetlb=on,hugetlbsize=</c> needs no hugetlbfs mount per page size, and
/// <c>share=on</c> is what vhost-user-fs needs (without it the guest's mount hangs).</remarks>
public sealed partial class QemuArgvBuilder
{
    private void AddMemory()
    {
        var memory = _plan.Memory;
        Add("-m", $"{memory.SizeMiB}M");
        if (!NeedsSingleBackend)
        {
            AddNuma();
            return;
        }

        var backend = $"{MemoryBackendType},id=mem,size={memory.SizeMiB}M{MemoryBackendOptions()}";
        if (_plan.Cpu.HostNode is { } node)
        {
            // The vCPUs sit on one host node: keep their RAM there too.
            backend += $",host-nodes={node},policy=bind";
        }

        Add("-object", backend);
    }

    /// <summary>True when RAM is one backend object given to the machine (memory-backend=mem); a multi-node guest has one per node instead.</summary>
    private bool NeedsSingleBackend => _plan.Cpu.GuestNodes.Count == 0 && (_plan.Memory.NeedsBackend || _plan.Cpu.HostNode is not null);

    private string MemoryBackendType => _plan.Memory.NeedsBackend ? "memory-backend-memfd" : "memory-backend-ram";

    private string MemoryBackendOptions()
    {
        var memory = _plan.Memory;
        var options = memory.Shared ? ",share=on" : "";
        if (memory.HugePageKiB is { } kib)
        {
            options += kib >= 1 << 20 ? $",hugetlb=on,hugetlbsize={kib >> 20}G" : $",hugetlb=on,hugetlbsize={kib >> 10}M";
            options += ",prealloc=on";
        }

        return options;
    }
}
