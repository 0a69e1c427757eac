using Lodge.Core;
using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Linux.Handoff;
using Lodge.Linux.Host;
using Lodge.Linux.Simulation;

namespace Lodge.Linux.Tests.Handoff;

// Issue 5, "Show": both modes' happy path, a held GPU, the watchdog, and a framebuffer that will not come back.
public sealed class HandoffSpecs
{
    private static readonly PciAddress Gpu = PciAddress.Parse("0000:06:00.0");
    private static readonly PciAddress Audio = PciAddress.Parse("0000:06:00.1");

    [Fact(Timeout = 30000)]
    public async Task I_can_hand_off_the_boot_GPU_and_get_it_back_with_consoles_and_display_manager_after_the_guest_stops()
    {
        // Arrange
        using var rig = new HandoffRig("EADE3920D9");

        // Act
        var report = await rig.RunAsync();

        // Assert
        Assert.Equal([HandoffState.Planned, HandoffState.HandingOff, HandoffState.GuestRunning, HandoffState.GivingBack, HandoffState.Returned], report.States);
        Assert.Equal("vfio-pci", rig.Guest.DriversAtStart[Gpu]);
        Assert.Equal("vfio-pci", rig.Guest.DriversAtStart[Audio]);
        Assert.Equal("amdgpu", rig.DriverOf(Gpu));
        Assert.Equal("snd_hda_intel", rig.DriverOf(Audio));
        Assert.Contains("StopDisplayManager", rig.Kernel.Log);
        Assert.Contains("VtConsoleBind vtcon1 0", rig.Kernel.Log);
        Assert.Contains("FramebufferUnbind efi-framebuffer.0", rig.Kernel.Log);
        Assert.True(rig.Kernel.DisplayManagerActive);
        Assert.Empty(rig.Diff);
        Assert.All(report.Steps, s => Assert.Equal(StepOutcome.Undone, s.Outcome));
        Assert.True(rig.Journal.IsClean);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_hand_off_a_second_GPU_in_dedicated_mode_without_touching_the_display()
    {
        // Arrange: GH-ashtonian-ADL boots on the Intel iGPU; 0000:03:00.0 is an AMD card on amdgpu.
        var card = PciAddress.Parse("0000:03:00.0");
        using var rig = new HandoffRig("GH-ashtonian-ADL", GpuMode.Dedicated, card);

        // Act
        var report = await rig.RunAsync();

        // Assert
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.Equal("vfio-pci", rig.Guest.DriversAtStart[card]);
        Assert.Equal("vfio-pci", rig.Guest.DriversAtStart[PciAddress.Parse("0000:03:00.1")]);
        Assert.Equal("amdgpu", rig.DriverOf(card));
        Assert.DoesNotContain(rig.Kernel.Log, l => l.StartsWith("StopDisplayManager", StringComparison.Ordinal) || l.StartsWith("VtConsoleBind", StringComparison.Ordinal) || l.StartsWith("Framebuffer", StringComparison.Ordinal));
        Assert.Empty(rig.Diff);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_try_to_hand_off_a_held_GPU_and_get_refused_with_the_holder_named()
    {
        // Arrange
        var xorg = new DeviceHolder(Gpu, "/dev/dri/card0", "Xorg", 1234);
        using var rig = new HandoffRig("EADE3920D9", GpuMode.Dedicated, Gpu, [xorg]);

        // Act
        var e = await Assert.ThrowsAsync<InvalidStateException>(() => rig.RunAsync());

        // Assert
        Assert.Contains("Cannot hand off '0000:06:00.0': 'Xorg' (pid 1234) holds '/dev/dri/card0'.", rig.Plan.Refusals);
        Assert.Contains("'Xorg' (pid 1234)", e.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Kernel.Log);
        Assert.Empty(rig.Diff);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_have_a_process_open_the_GPU_after_planning_and_the_pre_flight_names_it_and_changes_nothing()
    {
        // Arrange
        using var rig = new HandoffRig("EADE3920D9");
        using var holder = rig.Kernel.Hold(Gpu, "gnome-shell (pid 2345)");

        // Act
        var report = await rig.RunAsync();

        // Assert
        Assert.Equal(HandoffState.RolledBack, report.State);
        var check = Assert.Single(report.Steps);
        Assert.Equal(StepOutcome.Failed, check.Outcome);
        Assert.Contains("'gnome-shell' (pid 2345) holds '/dev/dri/card0'", check.Error, StringComparison.Ordinal);
        Assert.Empty(rig.Kernel.Log);
        Assert.Empty(rig.Diff);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_start_a_guest_that_never_becomes_healthy_and_the_watchdog_stops_it_and_gives_the_GPU_back()
    {
        // Arrange
        using var rig = new HandoffRig("EADE3920D9");
        rig.Guest = new SimulatedGuest(rig.Kernel, rig.Plan.Endpoints) { Lifetime = null, NeverHealthy = true };

        // Act
        var report = await rig.RunAsync(new HandoffExecutorOptions { Health = rig.Healthy(TimeSpan.FromMilliseconds(300)) });

        // Assert
        Assert.True(report.WatchdogFired);
        Assert.Equal(1, rig.Guest.Stops);
        Assert.False(rig.Guest.Running);
        Assert.Contains(rig.Log, l => l.Contains("watchdog", StringComparison.Ordinal));
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.Equal("amdgpu", rig.DriverOf(Gpu));
        Assert.Empty(rig.Diff);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_have_the_framebuffer_refuse_to_rebind_and_the_display_manager_still_comes_back()
    {
        // Arrange: the kernel bug of DOMAIN.md, a framebuffer that will not bind after the guest.
        using var rig = new HandoffRig("EADE3920D9");
        rig.Kernel.FailOn(HostAction.FramebufferBind, "efi-framebuffer.0");

        // Act
        var report = await rig.RunAsync();

        // Assert
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.True(rig.Kernel.DisplayManagerActive);
        Assert.Contains(report.Problems, p => p.Contains("(tolerated)", StringComparison.Ordinal));
        Assert.Equal(["Framebuffer 'efi-framebuffer.0' was bound to 'efi-framebuffer', now it is not."], rig.Diff);
        Assert.True(rig.Journal.IsClean);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_see_every_host_mutation_in_the_log_with_the_device_and_both_drivers()
    {
        // Arrange
        using var rig = new HandoffRig("EADE3920D9");

        // Act
        await rig.RunAsync();

        // Assert
        Assert.Contains("Unbind '0000:06:00.0': driver 'amdgpu' -> none.", rig.Log);
        Assert.Contains("Probe '0000:06:00.0': driver none -> 'vfio-pci'.", rig.Log);
        Assert.Contains("Unbind '0000:06:00.0': driver 'vfio-pci' -> none.", rig.Log);
        Assert.Contains("Probe '0000:06:00.0': driver none -> 'amdgpu'.", rig.Log);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_have_the_unbind_block_on_a_holder_the_scan_cannot_see_and_the_device_is_wedged_until_a_reboot()
    {
        // Arrange: the NVIDIA "non-zero usage count" case; the scan finds nothing (a kernel user, another namespace).
        using var rig = new HandoffRig("EADE3920D9", GpuMode.Dedicated, Gpu);
        var hidden = rig.Kernel.Hold(Gpu, "hidden (pid 1)");
        var host = rig.Host with { Holders = (_, _) => Task.FromResult<IReadOnlyList<DeviceHolder>>([]) };
        var plan = rig.Plan with { Steps = [.. rig.Plan.Steps.Select(s => s.Do.Kind == HandoffOperationKind.Unbind ? s with { Timeout = TimeSpan.FromMilliseconds(200) } : s)] };

        // Act
        var report = await new HandoffExecutor(host, rig.Journal).RunAsync(plan);

        // Assert: the timed-out unbind is where it stopped; its thread still holds the device, so nothing touched the
        // GPU again, everything else was undone, and the journal waits for the boot rescue.
        Assert.Equal(HandoffState.NeedsRescue, report.State);
        var last = report.Steps[^1];
        Assert.Equal(StepOutcome.TimedOut, last.Outcome);
        Assert.StartsWith("unbind 0000:06:00.0", last.Name, StringComparison.Ordinal);
        // The kernel removes the driver link before the driver's remove() waits for the holder (lab 07), so the GPU
        // shows no driver while the unbind is stuck.
        Assert.Equal(["'0000:06:00.0' was bound to 'amdgpu', now to nothing.", "'0000:06:00.0' is wedged: a kernel write to it never returned, and only a reboot frees it."], rig.Diff);
        Assert.False(rig.Journal.IsClean);
        Assert.Contains(rig.Journal.Read(), e => e.Event == JournalEntry.Wedged && e.Detail == "0000:06:00.0");
        Assert.Contains(report.Problems, p => p.StartsWith("A kernel write to '0000:06:00.0' never returned: only a reboot frees it. Reboot now;", StringComparison.Ordinal));
        Assert.DoesNotContain(rig.Kernel.Log, l => l.StartsWith("ProbeDrivers 0000:06:00.0", StringComparison.Ordinal));

        // And lodge rescue without a reboot leaves it alone, saying why.
        var rescue = await new HandoffRescue(host, rig.Journal).RunAsync();
        Assert.Equal(HandoffState.NeedsRescue, rescue.State);
        Assert.Contains("Reboot: at boot, lodge-rescue.service finishes giving the GPU back.", rescue.Problems.Single(), StringComparison.Ordinal);
        hidden.Dispose();
    }
}
