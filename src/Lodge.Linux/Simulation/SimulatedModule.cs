namespace Lodge.Linux.Simulation;

/// <summary>A module the simulated kernel can load: the PCI drivers it registers and the modules it needs.</summary>
/// <param name="Name">The underscore form /proc/modules prints, e.g. <c>vfio_pci</c>.</param>
/// <param name="Drivers">PCI driver names it registers, e.g. <c>vfio-pci</c>.</param>
/// <param name="DependsOn">Modules loaded before it; they stay in use while it is loaded.</param>
public sealed record SimulatedModule(string Name, IReadOnlyList<string> Drivers, IReadOnlyList<string> DependsOn)
{
    /// <summary>True when each bound device keeps the module in use (amdgpu's fbdev client); false when unloading it
    /// unbinds its devices, as <c>modprobe -r nvidia</c> does once nothing has them open.</summary>
    public bool BoundDevicesPin { get; init; } = true;

    /// <summary>Soft dependencies loaded after it (modprobe.d <c>softdep NAME post: ...</c>, or the module's own
    /// <c>MODULE_SOFTDEP</c>): vfio brings vfio_iommu_type1, as the lab's 6.1 did on <c>modprobe vfio_pci</c>.</summary>
    public IReadOnlyList<string> LoadsAfter { get; init; } = [];

    /// <summary>The modules a GPU handoff touches, with their real dependency order (nvidia_drm → nvidia_modeset → nvidia).</summary>
    public static IReadOnlyList<SimulatedModule> Known { get; } =
    [
        new("vfio", [], []) { LoadsAfter = ["vfio_iommu_type1"] },
        new("irqbypass", [], []),
        new("vfio_virqfd", [], []),
        new("vfio_pci_core", [], ["vfio", "irqbypass", "vfio_virqfd"]),

        // Loaded by the kernel on demand when QEMU sets up its VFIO container; it holds vfio while loaded.
        new("vfio_iommu_type1", [], ["vfio"]),
        new("vfio_pci", ["vfio-pci"], ["vfio_pci_core"]),
        new("pci_stub", ["pci-stub"], []),
        new("amdgpu", ["amdgpu"], []),

        // The lab's emulated card: the driver bochs-drm is the module bochs (the kernel's drivers/bochs-drm/module link).
        new("bochs", ["bochs-drm"], []),
        new("radeon", ["radeon"], []),
        new("i915", ["i915"], []),
        new("nouveau", ["nouveau"], []),
        new("nvidia", ["nvidia"], []) { BoundDevicesPin = false },
        new("nvidia_modeset", [], ["nvidia"]),
        new("nvidia_uvm", [], ["nvidia"]),
        new("nvidia_drm", [], ["nvidia_modeset"]),
        new("snd_hda_intel", ["snd_hda_intel"], []),
        new("vendor_reset", [], []),
    ];
}
