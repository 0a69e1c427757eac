using Lodge.Core;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Linux.Tests.Handoff;

// The plan's shape on real fixtures, read through the simulated kernel (which keeps /proc/modules consistent).
public sealed class HandoffPlannerSpecs
{
    private static IReadOnlyList<string> Names(HandoffPlan plan) => [.. plan.Steps.Select(s => s.Name)];

    [Fact]
    public void I_can_plan_an_AMD_boot_GPU_and_neither_amdgpu_nor_snd_hda_intel_is_unloaded()
    {
        // Arrange
        using var rig = new HandoffRig("EADE3920D9");

        // Act
        var names = Names(rig.Plan);

        // Assert
        Assert.Equal(
            [
                "pre-flight: no process holds the GPU", "stop the display manager", "unbind vtconsole vtcon1", "unbind framebuffer efi-framebuffer.0",
                "pre-flight: nothing holds the GPU after the display manager stopped",
                "load vfio-pci", "load the vfio IOMMU backend", "unbind 0000:06:00.0 from amdgpu", "unbind 0000:06:00.1 from snd_hda_intel",
                "driver_override of 0000:06:00.0 = vfio-pci", "driver_override of 0000:06:00.1 = vfio-pci",
                "bind 0000:06:00.0 to vfio-pci", "bind 0000:06:00.1 to vfio-pci", "start the guest 'guest'",
            ],
            names);
        Assert.True(rig.Plan.Step(4).Undo.MayFail);
        Assert.All(rig.Plan.Steps, s => Assert.Equal(HandoffScenario.Timeout, s.Timeout));
    }

    [Fact]
    public void I_can_plan_an_NVIDIA_GPU_and_its_modules_unload_top_down_without_unloading_one_twice()
    {
        // Arrange
        using var rig = new HandoffRig("real-h100-vm");
        rig.Kernel.WithLoadedModule("nvidia_drm").WithLoadedModule("nvidia_uvm");
        var request = HandoffScenario.Request()(rig.Kernel.ScanForHandoff());

        // Act
        var plan = HandoffPlanner.Plan(rig.Kernel.ScanForHandoff(), request);

        // Assert: each module of the stack by name, top down (modprobe -r may leave a dependency loaded).
        Assert.Equal(["unload nvidia_drm", "unload nvidia_modeset", "unload nvidia_uvm", "unload nvidia"], plan.Steps.Where(s => s.Do.Kind == HandoffOperationKind.UnloadModule).Select(s => s.Name));
    }

    [Fact]
    public void I_can_plan_an_NVIDIA_GPU_and_persistenced_stops_and_the_stack_unloads_before_any_unbind()
    {
        // Arrange
        using var rig = new HandoffRig("real-h100-vm");
        rig.Kernel.WithLoadedModule("nvidia_drm").WithLoadedModule("nvidia_uvm");
        var snapshot = rig.Kernel.ScanForHandoff();
        var gpu = HandoffScenario.GpuOf(snapshot)!.Value;
        var request = HandoffScenario.Request()(snapshot) with { NvidiaPersistencedActive = true };

        // Act
        var plan = HandoffPlanner.Plan(snapshot, request);

        // Assert: persistenced, then the stack top down, then (only) the other functions' unbinds; nvidia's unload
        // unbinds the GPU itself, and the way back loads the stack again (in reverse), which binds it.
        var names = Names(plan).ToList();
        var firstUnbind = plan.Steps.FirstOrDefault(s => s.Do.Kind == HandoffOperationKind.Unbind)?.Index ?? int.MaxValue;
        Assert.Equal("nvidia", plan.OriginalDrivers[gpu]);
        Assert.True(names.IndexOf("stop nvidia-persistenced") < names.IndexOf("unload nvidia_drm"));
        Assert.True(names.IndexOf("unload nvidia_drm") < names.IndexOf("unload nvidia_uvm"));
        Assert.All(plan.Steps.Where(s => s.Do.Kind is HandoffOperationKind.UnloadModule or HandoffOperationKind.StopService), s => Assert.True(s.Index < firstUnbind));
        Assert.DoesNotContain(plan.Steps, s => s.Do.Kind == HandoffOperationKind.Unbind && s.Do.Target == gpu.ToString());
        Assert.Equal(new HandoffOperation(HandoffOperationKind.StartService, "nvidia-persistenced.service"), plan.Steps.Single(s => s.Name == "stop nvidia-persistenced").Undo);
        Assert.Empty(plan.Refusals);
    }

    [Fact]
    public void I_can_plan_an_NVIDIA_GPU_without_knowing_about_persistenced_and_am_warned()
    {
        // Arrange
        using var rig = new HandoffRig("real-h100-vm");
        var snapshot = rig.Kernel.ScanForHandoff();

        // Act
        var plan = HandoffPlanner.Plan(snapshot, HandoffScenario.Request()(snapshot));

        // Assert
        Assert.DoesNotContain("stop nvidia-persistenced", Names(plan));
        Assert.Contains(plan.Warnings, w => w.StartsWith("Whether nvidia-persistenced runs is unknown", StringComparison.Ordinal));
    }

    [Fact]
    public void I_can_ask_to_unload_amdgpu_and_it_unloads_after_the_unbind()
    {
        // Arrange
        using var rig = new HandoffRig("EADE3920D9");
        var snapshot = rig.Kernel.ScanForHandoff();

        // Act
        var plan = HandoffPlanner.Plan(snapshot, HandoffScenario.Request()(snapshot) with { UnloadAmdgpu = true });

        // Assert
        var names = Names(plan).ToList();
        Assert.True(names.IndexOf("unbind 0000:06:00.0 from amdgpu") < names.IndexOf("unload amdgpu"));
    }

    [Fact]
    public void I_can_plan_a_GPU_whose_driver_the_dump_does_not_show_and_nothing_is_unbound_or_reprobed()
    {
        // Arrange: GH-asok-fuji's dump has no driver links.
        using var rig = new HandoffRig("GH-asok-fuji");

        // Act
        var plan = rig.Plan;

        // Assert
        Assert.DoesNotContain(plan.Steps, s => s.Do.Kind is HandoffOperationKind.Unbind or HandoffOperationKind.UnloadModule);
        Assert.All(plan.OriginalDrivers.Values, Assert.Null);
        Assert.Contains(plan.Steps, s => s.Do.Kind == HandoffOperationKind.ProbeDrivers && s.Do.Value == "vfio-pci");
    }

    [Fact]
    public void I_can_try_to_move_a_handoff_to_a_state_it_cannot_reach_and_get_an_InvalidStateException()
    {
        // Arrange
        var machine = new HandoffStateMachine("0000:06:00.0");

        // Act
        var e = Assert.Throws<InvalidStateException>(() => machine.MoveTo(HandoffState.GuestRunning));

        // Assert
        Assert.Equal("Handoff of '0000:06:00.0' cannot go from Planned to GuestRunning.", e.Message);
        Assert.Equal(HandoffState.Planned, machine.State);
    }

    [Fact]
    public void I_can_plan_for_a_missing_GPU_and_get_a_refusal_instead_of_steps()
    {
        // Arrange
        var request = new HandoffRequest("guest", PciAddress.Parse("0000:7f:00.0"), GpuMode.Handoff, [], true);

        // Act
        var plan = HandoffPlanner.Plan(new HostSnapshot(), request);

        // Assert
        Assert.False(plan.CanRun);
        Assert.Empty(plan.Steps);
        Assert.Equal(["Cannot hand off '0000:7f:00.0': there is no such PCI device on this host."], plan.Refusals);
    }
}
