using System.Security.Cryptography;
using System.Text;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Runtime;

namespace Lodge.Core.Planning;

/// <summary>Intel GVT-g: a slice of the integrated GPU as a mediated device, while the host keeps the GPU.</summary>
/// <remarks>
/// The parent is the device with <c>mdev_supported_types</c> (found by identity, or the first such device for
/// <c>auto</c>). Of its types, <c>i915-GVTg_V5_4</c> (1920x1200, four per GPU) is the usual choice; otherwise the
/// first type that still has an instance free. The UUID is derived from the machine's name, so the same guest
/// always gets the same device (and its driver state in the guest stays valid).
/// </remarks>
public static partial class MachinePlanner
{
    private static GpuPlan PlanGvtG(MachineConfig machine, GpuConfig gpu, HostSnapshot host, List<PlanDecision> decisions)
    {
        PciDevice? parent = gpu.Device == "auto"
            ? host.PciDevices.FirstOrDefault(d => d.MdevTypes.Count > 0)
            : DeviceMatcher.Find(gpu.Device, host.PciDevices).Device;
        if (parent is null || parent.MdevTypes.Count == 0)
        {
            throw new ConfigException($"The machine '{machine.Name}' asks for gvt-g, but this host shows no GPU with mediated device types.")
            {
                Hint = "GVT-g needs a Broadwell to Comet Lake iGPU with i915.enable_gvt=1 and the kvmgt module; run 'lodge setup' or use gpu.mode = \"virtio\".",
            };
        }

        var type = parent.MdevTypes.FirstOrDefault(t => t.Id.EndsWith("GVTg_V5_4", StringComparison.Ordinal) && t.AvailableInstances is not 0)
            ?? parent.MdevTypes.FirstOrDefault(t => t.AvailableInstances is null or > 0)
            ?? throw new ConfigException($"Every mediated device type of '{parent.Address}' is in use, so '{machine.Name}' cannot get a GVT-g slice.") { Hint = "Stop another GVT-g guest first." };
        var mdev = new MdevSpec(parent.Address.ToString(), type.Id, UuidFor(machine.Name));
        decisions.Add(new("gpu", $"gvt-g {type.Id} on {parent.Address} as {mdev.Uuid}", $"{parent.DisplayName} offers mediated devices; {type.Id}{(type.Name is null ? "" : $" ({type.Name})")} is {(type.Id.EndsWith("GVTg_V5_4", StringComparison.Ordinal) ? "the usual size" : "the first type with an instance free")}, and the host keeps the GPU."));
        return new GpuPlan(GpuMode.GvtG, null, [], null, true, mdev);
    }

    /// <summary>A stable, name-based UUID (RFC 4122 version 5 layout over SHA-1 of "lodge:" + name).</summary>
    public static string UuidFor(string name)
    {
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes("lodge:" + name));
        hash[6] = (byte)((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3f) | 0x80);
        var hex = Convert.ToHexStringLower(hash.AsSpan(0, 16));
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }
}
