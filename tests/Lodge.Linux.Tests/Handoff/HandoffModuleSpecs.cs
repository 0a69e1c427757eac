using Lodge.Core.Handoff;
using Lodge.Linux.Handoff;
using Lodge.Linux.Simulation;

namespace Lodge.Linux.Tests.Handoff;

// Issue 12: the way back unloads exactly the modules the handoff loaded (the lab saw vfio, irqbypass and vfio_virqfd
// stay loaded on a real 6.1 kernel), and never one that was loaded before it.
public sealed class HandoffModuleSpecs
{
    private static readonly string[] VfioStack = ["vfio_pci", "vfio_pci_core", "vfio", "irqbypass", "vfio_virqfd", "vfio_iommu_type1"];

    [Fact(Timeout = 60000)]
    public async Task I_can_hand_off_a_GPU_whose_driver_is_not_named_after_its_module_and_its_module_is_unloaded_and_loaded_back()
    {
        // Arrange: the lab's card: the driver bochs-drm is the module bochs, as the kernel's drivers/bochs-drm/module link
        // says. (Lodge took the driver's name for the module and warned "built into the kernel", which was untrue.)
        var tree = Directory.CreateTempSubdirectory("lodge-bochs-").FullName;
        try
        {
            CopyTree(Testing.RepoPaths.Host("EADE3920D9"), tree);
            var drivers = Path.Combine(tree, "sys/bus/pci/drivers");
            Directory.Move(Path.Combine(drivers, "amdgpu"), Path.Combine(drivers, "bochs-drm"));
            var devices = Path.Combine(tree, "sys/bus/pci/devices");
            var device = Path.GetFullPath(Path.Combine(devices, new FileInfo(Path.Combine(devices, "0000:06:00.0")).LinkTarget!, "driver"));
            var target = new FileInfo(device).LinkTarget!.Replace("/amdgpu", "/bochs-drm", StringComparison.Ordinal);
            File.Delete(device);
            File.CreateSymbolicLink(device, target);
            File.CreateSymbolicLink(Path.Combine(drivers, "bochs-drm/module"), "../../../../module/bochs");
            using var kernel = new SimulatedKernel(tree);
            HandoffScenario.Console(kernel);
            var before = kernel.State();
            var plan = HandoffPlanner.Plan(kernel.ScanForHandoff(), HandoffScenario.Request()(kernel.ScanForHandoff()));
            var guest = new SimulatedGuest(kernel, plan.Endpoints);
            var journal = new Lodge.Linux.Handoff.HandoffJournal(Path.Combine(kernel.Root, "var/lib/lodge/handoff.journal"));

            // Act
            var report = await new Lodge.Linux.Handoff.HandoffExecutor(kernel.HandoffHost(guest), journal).RunAsync(plan);

            // Assert
            Assert.Equal("bochs", kernel.ScanForHandoff().Kernel.ModuleOf("bochs-drm"));
            Assert.DoesNotContain(plan.Warnings, w => w.Contains("built into the kernel", StringComparison.Ordinal));
            Assert.Contains(plan.Steps, s => s.Do is { Kind: HandoffOperationKind.UnloadModule, Target: "bochs" });
            Assert.Equal(HandoffState.Returned, report.State);
            Assert.Contains("UnloadModule bochs", kernel.Log);
            Assert.Contains("LoadModule bochs", kernel.Log);
            Assert.Empty(kernel.State().DiffFrom(before));
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_rescue_after_a_kill_during_the_load_of_vfio_pci_and_the_modules_that_load_left_are_unloaded()
    {
        // Arrange: lodge killed while 'modprobe vfio_pci' ran (lab scenario 03 on 6.1): vfio, irqbypass and vfio's soft
        // dependency vfio_iommu_type1 are loaded, vfio_pci is not, and the journal shows the load begun.
        using var rig = new HandoffRig("EADE3920D9");
        var load = rig.Plan.Steps.First(s => s.Do is { Kind: HandoffOperationKind.LoadModule, Target: "vfio_pci" });
        await rig.RunAsync(new HandoffExecutorOptions { AbandonAfterStep = load.Index - 1 });
        rig.Journal.Append(new Lodge.Linux.Handoff.JournalEntry(Lodge.Linux.Handoff.JournalEntry.Begin, load.Index, load.Name, load.Undo, load.Timeout));
        rig.Kernel.WithLoadedModule("vfio").WithLoadedModule("irqbypass");
        Assert.Contains("vfio_iommu_type1", rig.Kernel.LoadedModules);

        // Act
        var report = await new Lodge.Linux.Handoff.HandoffRescue(rig.Host, rig.Journal).RunAsync();

        // Assert
        Assert.Equal(HandoffState.Returned, report.States[^1]);
        Assert.All(VfioStack, m => Assert.DoesNotContain(m, rig.Kernel.LoadedModules));
        Assert.Empty(rig.Diff);
    }

    [Fact]
    public void I_can_read_which_module_a_driver_belongs_to_from_the_simulated_kernels_tree_as_from_the_real_one()
    {
        // Arrange
        using var kernel = new SimulatedKernel(Testing.RepoPaths.Host("EADE3920D9"));

        // Act
        kernel.WithLoadedModule("vfio_pci");
        var modules = kernel.ScanForHandoff().Kernel.DriverModules;

        // Assert: every driver folder links its module, as /sys/bus/pci/drivers/NAME/module does.
        Assert.Equal("amdgpu", modules["amdgpu"]);
        Assert.Equal("vfio_pci", modules["vfio-pci"]);
        Assert.Equal("snd_hda_intel", modules["snd_hda_intel"]);
    }

    // cp -a: a copy with its symlinks as they are.
    private static void CopyTree(string from, string to)
    {
        var start = new System.Diagnostics.ProcessStartInfo("cp");
        foreach (var a in new[] { "-a", from + "/.", to })
        {
            start.ArgumentList.Add(a);
        }

        using var cp = System.Diagnostics.Process.Start(start)!;
        cp.WaitForExit();
        Assert.Equal(0, cp.ExitCode);
    }

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

        // 'modprobe vfio' loads vfio_iommu_type1 as well (vfio's soft dependency, as on the lab's 6.1): loaded before, it stays.
        Assert.Contains("vfio_iommu_type1", rig.Kernel.LoadedModules);
        Assert.All(["vfio_pci", "vfio_pci_core", "vfio_virqfd"], m => Assert.DoesNotContain(m, rig.Kernel.LoadedModules));
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
