using Lodge.Core.Handoff;
using Lodge.Linux.Simulation;

namespace Lodge.Linux.Tests.Handoff;

// Issue 12: the way back unloads exactly the modules the handoff loaded (the lab saw vfio, irqbypass and vfio_virqfd
// stay loaded on a real 6.1 kernel), and never one that was loaded before it.
public sealed class HandoffModuleSpecs
{
    private static readonly string[] VfioStack = ["vfio_pci", "vfio_pci_core", "vfio", "irqbypass", "vfio_virqfd", "vfio_iommu_type1"];

    [Fact(Timeout = 30000)]
    public async Task I_can_hand_off_a_GPU_and_every_vfio_module_the_handoff_loaded_is_gone_afterwards()
    {
        // Arrange
        using var rig = new HandoffRig("EADE3920D9");
        Assert.All(VfioStack, m => Assert.DoesNotContain(m, rig.Kernel.LoadedModules));

        // Act
        var report = await rig.RunAsync();

        // Assert
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.All(VfioStack, m => Assert.DoesNotContain(m, rig.Kernel.LoadedModules));
        Assert.Empty(rig.Diff);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_hand_off_a_GPU_while_some_vfio_modules_were_loaded_before_and_those_stay_loaded()
    {
        // Arrange: vfio and irqbypass were loaded before the handoff (another user, or the initramfs).
        using var rig = new HandoffRig("EADE3920D9", setup: k => k.WithLoadedModule("vfio").WithLoadedModule("irqbypass"));

        // Act
        var report = await rig.RunAsync();

        // Assert
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.Contains("vfio", rig.Kernel.LoadedModules);
        Assert.Contains("irqbypass", rig.Kernel.LoadedModules);
        Assert.All(["vfio_pci", "vfio_pci_core", "vfio_virqfd", "vfio_iommu_type1"], m => Assert.DoesNotContain(m, rig.Kernel.LoadedModules));
        Assert.Empty(rig.Diff);
    }

    [Fact]
    public void I_can_plan_a_handoff_and_the_undo_of_loading_vfio_pci_records_the_modules_loaded_before()
    {
        // Arrange
        using var rig = new HandoffRig("EADE3920D9", setup: k => k.WithLoadedModule("irqbypass"));

        // Act
        var undo = rig.Plan.Steps.Single(s => s.Name == "load vfio-pci").Undo;

        // Assert
        Assert.Equal(HandoffOperationKind.UnloadModule, undo.Kind);
        Assert.Contains("irqbypass", undo.Value!.Split(' '));
        Assert.DoesNotContain("vfio_pci", undo.Value!.Split(' '));
    }
}
