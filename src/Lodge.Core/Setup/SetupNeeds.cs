using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Setup;

/// <summary>What the machines ask of the host, gathered once: which devices go to vfio-pci early, who needs hugepages, and so on.</summary>
internal sealed record SetupNeeds
{
    public IReadOnlyList<string> All { get; init; } = [];

    /// <summary>Every PCI device of the host, to tell whether an id is shared with a device the host keeps.</summary>
    public IReadOnlyList<PciDevice> HostDevices { get; init; } = [];

    /// <summary>Machines that pass a PCI device through (a GPU or a USB controller): IOMMU and memlock.</summary>
    public IReadOnlyList<MachineConfig> Vfio { get; init; } = [];

    /// <summary>Functions bound to vfio-pci at boot: every function of each dedicated GPU's card.</summary>
    public IReadOnlyList<(string Machine, PciDevice Device)> EarlyBind { get; init; } = [];

    /// <summary>GPUs (dedicated or handoff) with the AMD reset bug.</summary>
    public IReadOnlyList<(string Machine, PciDevice Device)> ResetBug { get; init; } = [];

    public IReadOnlyList<string> IgnoreMsrs { get; init; } = [];

    public IReadOnlyList<(string Machine, long Pages)> HugePages2M { get; init; } = [];

    public IReadOnlyList<(string Machine, long Pages)> HugePages1G { get; init; } = [];

    /// <summary>Machines that ask for a GVT-g slice of an iGPU whose generation has GVT-g (i915.enable_gvt=1 and kvmgt).</summary>
    public IReadOnlyList<string> GvtG { get; init; } = [];

    public static SetupNeeds Of(HostSnapshot host, IReadOnlyList<MachineConfig> machines, IReadOnlyList<DeviceAssessment> assessments)
    {
        var vfio = new List<MachineConfig>();
        var early = new List<(string, PciDevice)>();
        var resetBug = new List<(string, PciDevice)>();
        foreach (var m in machines)
        {
            var gpu = m.Gpu is { Mode: GpuMode.Dedicated or GpuMode.Handoff } g ? FindGpu(g, host, assessments) : null;
            if (gpu is not null || m.Usb.Any(u => u.Controller is not null))
            {
                vfio.Add(m);
            }

            if (gpu is null)
            {
                continue;
            }

            if (m.Gpu!.Mode == GpuMode.Dedicated)
            {
                early.AddRange(host.PciDevices.Where(d => d.Address.IsSameSlot(gpu.Address)).Select(d => (m.Name, d)));
            }

            if (AmdResetBug.Family(gpu.VendorId, gpu.DeviceId) is not null)
            {
                resetBug.Add((m.Name, gpu));
            }
        }

        return new SetupNeeds
        {
            All = [.. machines.Select(m => m.Name)],
            HostDevices = host.PciDevices,
            Vfio = vfio,
            EarlyBind = early,
            ResetBug = resetBug,
            IgnoreMsrs = [.. machines.Where(m => m.Os is GuestOs.MacOs or GuestOs.Windows10 or GuestOs.Windows11).Select(m => m.Name)],
            HugePages2M = [.. machines.Where(m => m.Memory.HugePageKiB == 2048).Select(m => (m.Name, Pages(m.Memory.SizeBytes, 2L << 20)))],
            HugePages1G = [.. machines.Where(m => m.Memory.HugePageKiB == 1 << 20).Select(m => (m.Name, Pages(m.Memory.SizeBytes, 1L << 30)))],
            GvtG = host.PciDevices.Any(d => IntelGraphics.Of(d) == IntelIgpuGeneration.GvtG) ? [.. machines.Where(m => m.Gpu is { Mode: GpuMode.GvtG }).Select(m => m.Name)] : [],
        };
    }

    private static long Pages(long bytes, long pageSize) => (bytes + pageSize - 1) / pageSize;

    private static PciDevice? FindGpu(GpuConfig gpu, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments) =>
        gpu.Device == "auto"
            ? MachineValidator.PickAutoGpu(gpu.Mode, assessments)?.Device
            : DeviceMatcher.Find(gpu.Device, host.PciDevices).Device;
}
