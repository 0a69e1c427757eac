namespace Lodge.Core.Machines;

/// <summary><c>[gpu] mode</c>: how the guest gets its graphics.</summary>
public enum GpuMode
{
    /// <summary>A GPU the host does not use, bound to vfio-pci for the guest's whole life.</summary>
    Dedicated,

    /// <summary>The host's boot GPU, taken from the host while the guest runs and given back after.</summary>
    Handoff,

    /// <summary>An Intel GVT-g mediated device.</summary>
    GvtG,

    /// <summary>An emulated virtio-gpu.</summary>
    Virtio,

    None,
}
