using Lodge.Core.Machines;
using Lodge.Core.Planning;

namespace Lodge.Core.Qemu;

/// <summary>CPU model, topology and the I/O thread.</summary>
/// <remarks>
/// Windows gets the Hyper-V enlightenments the passthrough community settled on; an NVIDIA card going to Windows
/// also hides KVM and sets a vendor id (drivers before 465 refused to start in a VM; newer ones do not mind).
/// macOS wants an Intel CPU: the host's on Intel, a Penryn model with the features it checks on AMD.
/// </remarks>
public sealed partial class QemuArgvBuilder
{
    /// <summary>The Hyper-V set for Windows guests (DOMAIN.md).</summary>
    public const string HyperVFlags = "hv_relaxed,hv_vapic,hv_spinlocks=0x1fff,hv_time,hv_synic,hv_stimer,hv_vpindex,hv_frequencies,hv_reset,hv_runtime";

    /// <summary>Twelve characters, as hv_vendor_id requires.</summary>
    public const string HvVendorId = "LodgeLodge00";

    private void AddCpu()
    {
        var cpu = _plan.Cpu;
        Add("-cpu", CpuModelOf(_plan, _options.Accel));
        Add("-smp", $"{cpu.Vcpus},sockets=1,cores={cpu.Cores},threads={cpu.Threads}");
        Add("-object", "iothread,id=io0");
    }

    /// <summary>The <c>-cpu</c> value of a plan under <paramref name="accel"/> (kvm or tcg).</summary>
    internal static string CpuModelOf(MachinePlan plan, string accel)
    {
        var cpu = plan.Cpu;
        var os = plan.Machine.Os;
        string model;
        if (accel == "tcg")
        {
            // QEMU's emulator has no host CPU to pass through and refuses the Hyper-V set (hv_vpindex) and kvm=off:
            // the "max" model gives every feature TCG can emulate. macOS keeps its Penryn model, which TCG runs.
            model = os == GuestOs.MacOs
                ? "Penryn,vendor=GenuineIntel,+invtsc,+ssse3,+sse4.2,+popcnt,+aes,+xsave"
                : "max";
        }
        else if (os == GuestOs.MacOs)
        {
            model = cpu.HostIsAmd
                ? "Penryn,vendor=GenuineIntel,+invtsc,vmware-cpuid-freq=on,+ssse3,+sse4.2,+popcnt,+avx,+aes,+xsave,+xsaveopt,check"
                : "host,vendor=GenuineIntel,+invtsc,vmware-cpuid-freq=on";
        }
        else
        {
            // migratable=off passes invtsc (and every other non-migratable feature), as libvirt's host-passthrough does.
            model = "host,migratable=off";
            if (cpu.Topoext)
            {
                model += ",topoext=on";
            }

            if (cpu.HostCacheInfo)
            {
                // As libvirt writes <cache mode="passthrough"/>: the host's cache layout, and no emulated L3 on top of it.
                model += ",host-cache-info=on,l3-cache=off";
            }

            if (os is GuestOs.Windows10 or GuestOs.Windows11)
            {
                model += "," + HyperVFlags;
                foreach (var extra in cpu.HyperVExtra)
                {
                    model += "," + extra;
                }

                if (plan.Gpu.IsNvidia)
                {
                    model += $",kvm=off,hv_vendor_id={HvVendorId}";
                }
            }
        }

        return model;
    }

    // A guest spread over several host nodes gets one RAM backend per node, bound there, and a matching -numa layout.
    private void AddNuma()
    {
        var nodes = _plan.Cpu.GuestNodes;
        foreach (var node in nodes)
        {
            var backend = $"{MemoryBackendType},id=mem{node.Id},size={node.MemoryMiB}M{MemoryBackendOptions()},host-nodes={node.HostNode},policy=bind";
            Add("-object", backend);
            Add("-numa", $"node,nodeid={node.Id},cpus={node.VcpuRange},memdev=mem{node.Id}");
        }
    }
}
