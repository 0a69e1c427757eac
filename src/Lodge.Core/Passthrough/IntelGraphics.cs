using Lodge.Core.Hardware;

namespace Lodge.Core.Passthrough;

/// <summary>What an Intel integrated GPU can share with guests, by generation.</summary>
public enum IntelIgpuGeneration
{
    /// <summary>Not an Intel iGPU (another vendor, or an Intel discrete card off bus 0).</summary>
    None,

    /// <summary>An Intel iGPU whose generation Lodge does not know.</summary>
    Unknown,

    /// <summary>Haswell and older: no GVT-g in mainline kernels.</summary>
    BeforeGvtG,

    /// <summary>Gen8 to Gen9.5, Broadwell to Comet Lake: GVT-g with i915.enable_gvt=1 and kvmgt.</summary>
    GvtG,

    /// <summary>Gen11 (Ice Lake, Jasper and Elkhart Lake): GVT-g is gone, and there is no SR-IOV either.</summary>
    Gen11,

    /// <summary>Gen12 and later (Tiger Lake onwards): no GVT-g; SR-IOV only with a kernel that has it (i915-sriov-dkms, or xe).</summary>
    Gen12OrLater,
}

/// <summary>Tells an Intel iGPU's generation from its device id.</summary>
/// <remarks>Device id ranges from the kernel's include/drm/intel/i915_pciids.h (INTEL_BDW_IDS ... INTEL_LNL_IDS).</remarks>
public static class IntelGraphics
{
    private const ushort IntelVendor = 0x8086;

    /// <summary>The generation of an Intel iGPU at 00:02.0, or <see cref="IntelIgpuGeneration.None"/>.</summary>
    public static IntelIgpuGeneration Of(PciDevice device)
    {
        if (device.VendorId != IntelVendor || device.Class is not { IsGpu: true } || device.Address.Bus != 0 || device.DeviceId is not { } id)
        {
            return IntelIgpuGeneration.None;
        }

        return (id >> 8) switch
        {
            0x01 or 0x04 or 0x0a or 0x0c or 0x0d or 0x0f or 0x22 => IntelIgpuGeneration.BeforeGvtG,  // Sandy Bridge, Ivy Bridge, Haswell, Bay Trail, Cherry View
            0x16 or 0x19 or 0x59 or 0x3e or 0x9b or 0x87 => IntelIgpuGeneration.GvtG,                          // Broadwell, Skylake, Kaby/Amber Lake, Coffee/Whiskey Lake, Comet Lake
            0x5a when id is 0x5a84 or 0x5a85 => IntelIgpuGeneration.GvtG,                                      // Apollo Lake (Broxton)
            0x8a or 0x45 or 0x4e => IntelIgpuGeneration.Gen11,                                                  // Ice Lake, Elkhart Lake, Jasper Lake
            0x9a or 0x4c or 0x46 or 0xa7 or 0x7d or 0x64 or 0xb0 => IntelIgpuGeneration.Gen12OrLater,          // Tiger, Rocket, Alder, Raptor, Meteor/Arrow, Lunar, Panther Lake
            _ => IntelIgpuGeneration.Unknown,
        };
    }
}
