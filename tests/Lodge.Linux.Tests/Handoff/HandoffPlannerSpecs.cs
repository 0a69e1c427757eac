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
    public void I_can_plan_an_AMD_boot_GPU_and_snd_hda_intel_stays_loaded_because_the_board_audio_uses_it()
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
                "load vfio-pci", "load the vfio IOMMU backend", "unbind 0000:06:00.0 from amdgpu", "unbind 0000:06:00.1 from snd_hda_intel", "unload amdgpu",
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

        // Assert: modprobe -r nvidia_drm also drops nvidia_modeset; nvidia_uvm then takes nvidia with it.
        Assert.Equal(["unload nvidia_drm", "unload nvidia_uvm"], plan.Steps.Where(s => s.Do.Kind == HandoffOperationKind.UnloadModule).Select(s => s.Name));
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
