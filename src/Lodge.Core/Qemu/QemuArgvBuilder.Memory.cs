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
        if (!memory.NeedsBackend)
        {
            return;
        }

        var backend = $"memory-backend-memfd,id=mem,size={memory.SizeMiB}M";
        if (memory.Shared)
        {
            backend += ",share=on";
        }

        if (memory.HugePageKiB is { } kib)
        {
            backend += kib >= 1 << 20 ? $",hugetlb=on,hugetlbsize={kib >> 20}G" : $",hugetlb=on,hugetlbsize={kib >> 10}M";
            backend += ",prealloc=on";
        }

        Add("-object", backend);
    }
}
