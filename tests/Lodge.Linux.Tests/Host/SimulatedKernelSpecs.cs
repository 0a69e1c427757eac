using Lodge.Core.Hardware;
using Lodge.Linux.Host;
using Lodge.Testing;
using Lodge.Linux.Simulation;

namespace Lodge.Linux.Tests.Host;

// The libvirt virpcitest.c edge cases and the kernel rules of issue 5, against a copy of the EADE3920D9 fixture
// (amdgpu boot GPU 0000:06:00.0, HDMI audio 0000:06:00.1 on snd_hda_intel).
public sealed class SimulatedKernelSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly PciAddress Gpu = PciAddress.Parse("0000:06:00.0");
    private static readonly PciAddress Audio = PciAddress.Parse("0000:06:00.1");
    private static readonly PciAddress Unknown = PciAddress.Parse("0000:7f:1f.7");

    private static SimulatedKernel Boot() => new(RepoPaths.Host("EADE3920D9"));

    private static string? DriverOf(SimulatedKernel kernel, PciAddress address) =>
        kernel.Scan().PciDevices.Single(d => d.Address == address).Driver;

    private static string? OverrideOf(SimulatedKernel kernel, PciAddress address) =>
        kernel.Scan().PciDevices.Single(d => d.Address == address).DriverOverride;

    [Fact(Timeout = 15000)]
    public async Task I_can_unbind_a_GPU_and_the_scanner_sees_it_without_a_driver()
    {
        // Arrange
        using var kernel = Boot();

        // Act
        await kernel.UnbindAsync(Gpu, Timeout);

        // Assert
        Assert.Null(DriverOf(kernel, Gpu));
        Assert.False(File.Exists(Path.Combine(kernel.Root, "sys/bus/pci/drivers/amdgpu", Gpu.ToString())));
        Assert.Equal("snd_hda_intel", DriverOf(kernel, Audio));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_override_a_device_to_vfio_pci_and_probe_binds_it()
    {
        // Arrange
        using var kernel = Boot().WithLoadedModule("vfio-pci");
        await kernel.UnbindAsync(Gpu, Timeout);

        // Act
        await kernel.SetDriverOverrideAsync(Gpu, "vfio-pci", Timeout);
        await kernel.ProbeDriversAsync(Gpu, Timeout);

        // Assert
        Assert.Equal("vfio-pci", DriverOf(kernel, Gpu));
        Assert.Equal("vfio-pci", OverrideOf(kernel, Gpu));
        Assert.True(new FileInfo(Path.Combine(kernel.Root, "sys/bus/pci/drivers/vfio-pci", Gpu.ToString())).LinkTarget is not null);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_clear_the_override_and_probe_to_get_amdgpu_back()
    {
        // Arrange
        using var kernel = Boot().WithLoadedModule("vfio_pci");
        await kernel.UnbindAsync(Gpu, Timeout);
        await kernel.SetDriverOverrideAsync(Gpu, "vfio-pci", Timeout);
        await kernel.ProbeDriversAsync(Gpu, Timeout);
        await kernel.UnbindAsync(Gpu, Timeout);

        // Act
        await kernel.SetDriverOverrideAsync(Gpu, null, Timeout);
        await kernel.ProbeDriversAsync(Gpu, Timeout);

        // Assert
        Assert.Equal("amdgpu", DriverOf(kernel, Gpu));
        Assert.Null(OverrideOf(kernel, Gpu));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_probe_with_an_override_and_the_original_driver_does_not_win()
    {
        // Arrange: the override names a driver that is not loaded, so nothing may bind.
        using var kernel = Boot();
        await kernel.UnbindAsync(Gpu, Timeout);
        await kernel.SetDriverOverrideAsync(Gpu, "vfio-pci", Timeout);

        // Act
        await kernel.ProbeDriversAsync(Gpu, Timeout);

        // Assert
        Assert.Null(DriverOf(kernel, Gpu));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_reattach_a_device_already_bound_to_a_non_stub_driver_and_get_EBUSY()
    {
        // Arrange
        using var kernel = Boot();

        // Act
        var e = await Assert.ThrowsAsync<HostWriteException>(() => kernel.BindAsync(Gpu, "amdgpu", Timeout));

        // Assert
        Assert.Contains("EBUSY", e.Message, StringComparison.Ordinal);
        Assert.Equal("amdgpu", DriverOf(kernel, Gpu));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_reattach_an_unbound_device_to_its_original_driver()
    {
        // Arrange
        using var kernel = Boot();
        await kernel.UnbindAsync(Audio, Timeout);

        // Act
        await kernel.BindAsync(Audio, "snd_hda_intel", Timeout);

        // Assert
        Assert.Equal("snd_hda_intel", DriverOf(kernel, Audio));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_detach_an_unbound_device_and_nothing_happens()
    {
        // Arrange
        using var kernel = Boot();
        await kernel.UnbindAsync(Gpu, Timeout);
        var before = kernel.State();

        // Act
        await kernel.UnbindAsync(Gpu, Timeout);

        // Assert
        Assert.Empty(kernel.State().DiffFrom(before));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_reattach_an_unknown_device_and_get_ENODEV()
    {
        // Arrange
        using var kernel = Boot();

        // Act
        var e = await Assert.ThrowsAsync<HostWriteException>(() => kernel.BindAsync(Unknown, "amdgpu", Timeout));

        // Assert
        Assert.Equal(HostAction.Bind, e.Action);
        Assert.Equal("0000:7f:1f.7", e.Target);
        Assert.Contains("ENODEV", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_bind_a_driver_that_does_not_match_and_the_bind_fails()
    {
        // Arrange: vfio-pci has no id table, so without an override it matches nothing.
        using var kernel = Boot().WithLoadedModule("vfio_pci");
        await kernel.UnbindAsync(Gpu, Timeout);
        var before = kernel.State();

        // Act
        var e = await Assert.ThrowsAsync<HostWriteException>(() => kernel.BindAsync(Gpu, "vfio-pci", Timeout));

        // Assert
        Assert.Contains("does not match", e.Message, StringComparison.Ordinal);
        Assert.Empty(kernel.State().DiffFrom(before));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_unload_amdgpu_while_it_is_bound_and_get_refused()
    {
        // Arrange
        using var kernel = Boot();

        // Act
        var e = await Assert.ThrowsAsync<HostWriteException>(() => kernel.UnloadModuleAsync("amdgpu", Timeout));

        // Assert
        Assert.Contains("in use", e.Message, StringComparison.Ordinal);
        Assert.Contains("amdgpu", kernel.LoadedModules);
        Assert.Contains(kernel.Scan().Kernel.Modules!, m => m.Name == "amdgpu" && m.RefCount == 1);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_unload_amdgpu_after_unbinding_and_loading_it_again_binds_the_GPU()
    {
        // Arrange
        using var kernel = Boot();
        await kernel.UnbindAsync(Gpu, Timeout);

        // Act
        await kernel.UnloadModuleAsync("amdgpu", Timeout);
        var whileUnloaded = kernel.Scan();
        await kernel.LoadModuleAsync("amdgpu", Timeout);

        // Assert
        Assert.DoesNotContain(whileUnloaded.Kernel.Modules!, m => m.Name == "amdgpu");
        Assert.DoesNotContain(whileUnloaded.PciDevices, d => d.Driver == "amdgpu");
        Assert.Equal("amdgpu", DriverOf(kernel, Gpu));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_unload_vfio_pci_and_its_dependencies_stay_loaded_as_the_real_kernel_left_them()
    {
        // Arrange: the lab (Debian 12, 6.1) saw 'modprobe -r vfio_pci' leave vfio, irqbypass and vfio_virqfd loaded.
        using var kernel = Boot().WithLoadedModule("vfio_pci");

        // Act
        await kernel.UnloadModuleAsync("vfio_pci", Timeout);

        // Assert
        Assert.DoesNotContain("vfio_pci", kernel.LoadedModules);
        Assert.Contains("vfio_pci_core", kernel.LoadedModules);
        Assert.Contains("vfio", kernel.LoadedModules);
        Assert.Contains("irqbypass", kernel.LoadedModules);
        Assert.Contains("vfio_virqfd", kernel.LoadedModules);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_unbind_a_held_device_and_the_timeout_fires_without_blocking_me()
    {
        // Arrange
        using var kernel = Boot();
        using var holder = kernel.Hold(Gpu, "Xorg (pid 1234)");

        // Act
        var e = await Assert.ThrowsAsync<HostWriteTimeoutException>(() => kernel.UnbindAsync(Gpu, TimeSpan.FromMilliseconds(200)));

        // Assert: the driver link went before remove() started to wait (lab 07), so sysfs shows no driver already.
        Assert.Equal(HostAction.Unbind, e.Action);
        Assert.Null(DriverOf(kernel, Gpu));
    }

    [Fact(Timeout = 15000)]
    public async Task A_stuck_unbind_from_vfio_pci_shows_no_driver_yet_keeps_the_device_locked_and_its_module_in_use()
    {
        // Arrange: the GPU on vfio-pci, held open by a program (a QEMU Lodge does not know), as in lab scenario 07.
        using var kernel = Boot().WithLoadedModule("vfio-pci");
        await kernel.UnbindAsync(Gpu, Timeout);
        await kernel.SetDriverOverrideAsync(Gpu, "vfio-pci", Timeout);
        await kernel.ProbeDriversAsync(Gpu, Timeout);
        var holder = kernel.Hold(Gpu, "qemu-system-x86 (pid 4321)");

        // Act: the unbind waits in vfio-pci's remove(); a probe of the same device then waits for the device lock.
        var unbind = kernel.UnbindAsync(Gpu, Timeout);
        await Task.Delay(200);
        var driverWhileStuck = DriverOf(kernel, Gpu);
        var linkInDriver = File.Exists(Path.Combine(kernel.Root, "sys/bus/pci/drivers/vfio-pci", Gpu.ToString()));
        var unload = await Record.ExceptionAsync(() => kernel.UnloadModuleAsync("vfio_pci", Timeout));
        var probe = kernel.ProbeDriversAsync(Gpu, Timeout);
        await Task.Delay(200);
        var probeDoneWhileStuck = probe.IsCompleted;
        holder.Dispose();
        await unbind;
        await probe;

        // Assert: sysfs shows no driver the moment remove() starts, yet the unbind has not returned, the device lock
        // holds the probe back, and vfio_pci cannot go; once the holder lets go, both writes return.
        Assert.Null(driverWhileStuck);
        Assert.False(linkInDriver);
        Assert.False(probeDoneWhileStuck);
        Assert.NotNull(unload);
        Assert.Contains("vfio_pci", kernel.LoadedModules);
        Assert.Equal("vfio-pci", DriverOf(kernel, Gpu));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_see_a_blocked_unbind_finish_once_the_holder_lets_go()
    {
        // Arrange
        using var kernel = Boot();
        var holder = kernel.Hold(Gpu, "Xorg (pid 1234)");
        var unbind = kernel.UnbindAsync(Gpu, Timeout);
        await Task.Delay(100);
        Assert.False(unbind.IsCompleted);

        // Act
        holder.Dispose();
        await unbind;

        // Assert
        Assert.Null(DriverOf(kernel, Gpu));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_make_an_action_fail_on_demand_and_the_host_does_not_change()
    {
        // Arrange
        using var kernel = Boot();
        kernel.FailOn(HostAction.Unbind, Gpu.ToString());
        var before = kernel.State();

        // Act
        var e = await Assert.ThrowsAsync<HostWriteException>(() => kernel.UnbindAsync(Gpu, Timeout));
        var after = kernel.State();
        await kernel.UnbindAsync(Gpu, Timeout);

        // Assert
        Assert.Contains("Simulated failure", e.Message, StringComparison.Ordinal);
        Assert.Empty(after.DiffFrom(before));
        Assert.Null(DriverOf(kernel, Gpu));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_make_an_action_hang_and_release_it_later()
    {
        // Arrange
        using var kernel = Boot().WithLoadedModule("vfio_pci");
        var hang = kernel.HangOn(HostAction.UnloadModule, "vfio_pci");

        // Act
        await Assert.ThrowsAsync<HostWriteTimeoutException>(() => kernel.UnloadModuleAsync("vfio_pci", TimeSpan.FromMilliseconds(200)));
        var stillLoaded = kernel.LoadedModules.Contains("vfio_pci");
        hang.Release();
        await WaitUntil(() => !kernel.LoadedModules.Contains("vfio_pci"));

        // Assert
        Assert.True(hang.Hit);
        Assert.True(stillLoaded);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_bind_unbind_and_rebind_the_GPU_and_the_state_diff_is_empty()
    {
        // Arrange
        using var kernel = Boot().WithLoadedModule("vfio_pci");
        var before = kernel.State();

        // Act
        foreach (var device in new[] { Gpu, Audio })
        {
            await kernel.UnbindAsync(device, Timeout);
            await kernel.SetDriverOverrideAsync(device, "vfio-pci", Timeout);
            await kernel.ProbeDriversAsync(device, Timeout);
        }

        var during = kernel.State();
        foreach (var device in new[] { Gpu, Audio })
        {
            await kernel.UnbindAsync(device, Timeout);
            await kernel.SetDriverOverrideAsync(device, null, Timeout);
            await kernel.ProbeDriversAsync(device, Timeout);
        }

        // Assert
        Assert.Equal(4, during.DiffFrom(before).Count);
        Assert.Empty(kernel.State().DiffFrom(before));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_take_the_console_away_and_give_it_back_and_the_state_diff_names_each_step_until_then()
    {
        // Arrange
        var efi = new Framebuffer("efi-framebuffer.0", "efi-framebuffer");
        using var kernel = Boot().WithVtConsole("vtcon0", "(S) dummy device", true).WithVtConsole("vtcon1", "(M) frame buffer device", true).WithFramebuffer(efi);
        var before = kernel.State();

        // Act
        await kernel.StopDisplayManagerAsync(Timeout);
        await kernel.SetVtConsoleBindAsync("vtcon1", false, Timeout);
        await kernel.UnbindFramebufferAsync(efi, Timeout);
        var during = kernel.State().DiffFrom(before);
        await kernel.BindFramebufferAsync(efi, Timeout);
        await kernel.SetVtConsoleBindAsync("vtcon1", true, Timeout);
        await kernel.StartDisplayManagerAsync(Timeout);

        // Assert
        Assert.Equal(
            ["vtconsole 'vtcon1' was bound, now unbound.", "Framebuffer 'efi-framebuffer.0' was bound to 'efi-framebuffer', now it is not.", "The display manager was running, now stopped."],
            during);
        Assert.Empty(kernel.State().DiffFrom(before));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10);
        }
    }
}
