namespace Lodge.Linux.Simulation;

/// <summary>A module the simulated kernel can load: the PCI drivers it registers and the modules it needs.</summary>
/// <param name="Name">The underscore form /proc/modules prints, e.g. <c>vfio_pci</c>.</param>
/// <param name="Drivers">PCI driver names it registers, e.g. <c>vfio-pci</c>.</param>
/// <param name="DependsOn">Modules loaded before it; they stay in use while it is loaded.</param>
public sealed record SimulatedModule(string Name, IReadOnlyList<string> Drivers, IReadOnlyList<string> DependsOn)
{
    /// <summary>The modules a GPU handoff touches, with their real dependency order (nvidia_drm → nvidia_modeset → nvidia).</summary>
    public static IReadOnlyList<SimulatedModule> Known { get; } =
    [
        new("vfio", [], []),
        new("irqbypass", [], []),
        new("vfio_virqfd", [], []),
        new("vfio_pci_core", [], ["vfio", "irqbypass", "vfio_virqfd"]),

        // Loaded by the kernel on demand when QEMU sets up its VFIO container; it holds vfio while loaded.
        new("vfio_iommu_type1", [], ["vfio"]),
        new("vfio_pci", ["vfio-pci"], ["vfio_pci_core"]),
        new("pci_stub", ["pci-stub"], []),
        new("amdgpu", ["amdgpu"], []),
        new("radeon", ["radeon"], []),
        new("i915", ["i915"], []),
        new("nouveau", ["nouveau"], []),
        new("nvidia", ["nvidia"], []),
        new("nvidia_modeset", [], ["nvidia"]),
        new("nvidia_uvm", [], ["nvidia"]),
        new("nvidia_drm", [], ["nvidia_modeset"]),
        new("snd_hda_intel", ["snd_hda_intel"], []),
        new("vendor_reset", [], []),
    ];
}
