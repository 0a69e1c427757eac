using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Host;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Handoff;

// Issue 13, item 2 for consoles and modules: a vtconsole write or a module load/unload that never returns holds what the
// kernel's would (the console; the module and the devices its driver has), is named as wedged, is never touched again,
// keeps the host from being called restored, and a reboot with the boot rescue finishes the job.
public sealed class WedgedConsoleAndModuleSpecs
{
    private static readonly PciAddress AmdGpu = PciAddress.Parse("0000:06:00.0");
    private static readonly PciAddress H100 = PciAddress.Parse("0000:00:06.0");
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    [Fact(Timeout = 30000)]
    public async Task A_vtconsole_write_that_never_returns_holds_that_console_and_no_other()
    {
        // Arrange
        using var kernel = new SimulatedKernel(RepoPaths.Host("EADE3920D9"));
        HandoffScenario.Console(kernel);
        var hang = kernel.HangOn(HostAction.VtConsoleBind, "vtcon1");

        // Act
        await Assert.ThrowsAsync<HostWriteTimeoutException>(() => kernel.SetVtConsoleBindAsync("vtcon1", false, Short));
        var again = await Assert.ThrowsAsync<HostWriteTimeoutException>(() => kernel.SetVtConsoleBindAsync("vtcon1", true, Short));
        await kernel.SetVtConsoleBindAsync("vtcon0", true, HandoffScenario.Timeout);

        // Assert
        Assert.True(hang.Hit);
        Assert.Equal("vtcon1", again.Target);
        Assert.Equal(["vtcon1"], kernel.State().Wedged);
    }

    [Fact(Timeout = 30000)]
    public async Task A_module_unload_that_never_returns_holds_the_module_and_the_devices_its_driver_has()
    {
        // Arrange: amdgpu's exit never returns while it still has the GPU.
        using var kernel = new SimulatedKernel(RepoPaths.Host("EADE3920D9"));
        kernel.HangOn(HostAction.UnloadModule, "amdgpu");

        // Act
        await Assert.ThrowsAsync<HostWriteTimeoutException>(() => kernel.UnloadModuleAsync("amdgpu", Short));
        var unbind = await Assert.ThrowsAsync<HostWriteTimeoutException>(() => kernel.UnbindAsync(AmdGpu, Short));
        var load = await Assert.ThrowsAsync<HostWriteTimeoutException>(() => kernel.LoadModuleAsync("amdgpu", Short));
        var unloadAgain = await Assert.ThrowsAsync<HostWriteException>(() => kernel.UnloadModuleAsync("amdgpu", HandoffScenario.Timeout));

        // Assert: the device's lock is held, a load waits for the module to be gone, a second unload is refused at once.
        Assert.Equal(HostAction.Unbind, unbind.Action);
        Assert.Equal(HostAction.LoadModule, load.Action);
        Assert.IsNotType<HostWriteTimeoutException>(unloadAgain);
        Assert.Contains("in use", unloadAgain.Message, StringComparison.Ordinal);
        Assert.Contains("amdgpu", kernel.State().Wedged);
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_hang_the_console_unbind_and_see_the_console_wedged_not_restored_and_the_rest_given_back()
    {
        // Arrange
        var fixture = "EADE3920D9";
        var probe = await HandoffScenario.RunAsync(fixture);
        var step = probe.Plan.Steps.Single(s => s.Do.Kind == HandoffOperationKind.UnbindVtConsole).Index;

        // Act
        var run = await HandoffScenario.RunAsync(fixture, new SimulationFault(SimulationFault.Hang, step));
        var (rescue, after, clean) = await HandoffSimulation.RebootAsync(RepoPaths.Host(fixture), run, HandoffScenario.Console);

        // Assert: vtcon1 named, its undo never attempted, everything else back (the display manager included).
        Assert.True(probe.Restored);
        Assert.False(run.Restored);
        Assert.Equal(["'vtcon1' is wedged: a kernel write to it never returned, and only a reboot frees it."], run.Diff);
        Assert.Contains(run.Report!.Problems, p => p.StartsWith($"Undo of step {step} ", StringComparison.Ordinal) && p.EndsWith("was not attempted: 'vtcon1' is wedged (a kernel write to it never returned).", StringComparison.Ordinal));
        Assert.Contains(run.Report.Problems, p => p.Contains("Reboot now", StringComparison.Ordinal));
        Assert.False(run.JournalClean);
        Assert.Equal(StepOutcome.TimedOut, run.Steps.Single(s => s.Index == step).Outcome);
        Assert.Equal(HandoffState.Returned, rescue.State);
        Assert.Empty(after);
        Assert.True(clean);
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_hang_the_unload_of_amdgpu_and_the_GPU_is_left_alone_named_not_restored_and_back_after_the_reboot()
    {
        // Arrange: the machine asks for amdgpu's unload (unload_amdgpu = true).
        var fixture = "EADE3920D9";
        Func<HostSnapshot, HandoffRequest> request = host => HandoffScenario.Request()(host) with { UnloadAmdgpu = true };
        var probe = await HandoffSimulation.RunAsync(RepoPaths.Host(fixture), request, setup: HandoffScenario.Console);
        var step = probe.Plan.Steps.Single(s => s.Do == new HandoffOperation(HandoffOperationKind.UnloadModule, "amdgpu")).Index;
        var gpuUnbind = probe.Plan.Steps.Single(s => s.Do.Kind == HandoffOperationKind.Unbind && s.Do.Target == AmdGpu.ToString()).Index;

        // Act
        var run = await HandoffSimulation.RunAsync(RepoPaths.Host(fixture), request, new SimulationFault(SimulationFault.Hang, step), HandoffScenario.Console, hangTimeout: HandoffScenario.HangTimeout);
        var (rescue, after, clean) = await HandoffSimulation.RebootAsync(RepoPaths.Host(fixture), run, HandoffScenario.Console);

        // Assert: amdgpu named; the GPU's re-probe (amdgpu's own device) and the display manager wait for the reboot.
        Assert.True(probe.Restored);
        Assert.False(run.Restored);
        Assert.Contains("'amdgpu' is wedged: a kernel write to it never returned, and only a reboot frees it.", run.Diff);
        Assert.Contains(run.Report!.Problems, p => p.StartsWith($"Undo of step {gpuUnbind} ", StringComparison.Ordinal) && p.Contains("was not attempted: 'amdgpu' is wedged", StringComparison.Ordinal));
        Assert.Contains(run.Report.Problems, p => p.StartsWith("The display manager was not started", StringComparison.Ordinal));
        Assert.False(run.JournalClean);
        Assert.Equal(HandoffState.NeedsRescue, run.Report.State);
        Assert.Equal(HandoffState.Returned, rescue.State);
        Assert.Empty(after);
        Assert.True(clean);
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_hang_the_unload_of_nvidia_and_the_modules_that_need_it_are_not_loaded_again_until_the_reboot()
    {
        // Arrange: a desktop NVIDIA stack; 'modprobe -r nvidia' never returns (its exit stuck releasing the GPU).
        var fixture = "real-h100-vm";
        static void Desktop(SimulatedKernel k)
        {
            HandoffScenario.Console(k);
            k.WithLoadedModule("nvidia_drm").WithLoadedModule("nvidia_uvm").WithService(SimulatedKernel.NvidiaPersistenced, active: true);
        }

        var probe = await HandoffSimulation.RunAsync(RepoPaths.Host(fixture), HandoffScenario.Request(), setup: Desktop);
        var step = probe.Plan.Steps.Single(s => s.Do == new HandoffOperation(HandoffOperationKind.UnloadModule, "nvidia")).Index;
        var log = new List<string>();

        // Act
        var run = await HandoffSimulation.RunAsync(RepoPaths.Host(fixture), HandoffScenario.Request(), new SimulationFault(SimulationFault.Hang, step), Desktop, line => { lock (log) { log.Add(line); } }, HandoffScenario.HangTimeout);
        var (rescue, after, clean) = await HandoffSimulation.RebootAsync(RepoPaths.Host(fixture), run, Desktop);

        // Assert: nvidia named; nvidia_uvm, nvidia_modeset and nvidia_drm (which need it) never loaded again; the GPU untouched.
        Assert.True(probe.Restored);
        Assert.False(run.Restored);
        Assert.Contains("'nvidia' is wedged: a kernel write to it never returned, and only a reboot frees it.", run.Diff);
        foreach (var module in new[] { "nvidia_uvm", "nvidia_modeset", "nvidia_drm" })
        {
            Assert.Contains(run.Report!.Problems, p => p.Contains($"(unload {module}) was not attempted: 'nvidia' is wedged", StringComparison.Ordinal));
            Assert.DoesNotContain(log, l => l.StartsWith($"LoadModule '{module}'", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(log, l => l.Contains(H100.ToString(), StringComparison.Ordinal));
        Assert.False(run.JournalClean);
        Assert.Equal(HandoffState.Returned, rescue.State);
        Assert.Empty(after);
        Assert.True(clean);
    }
}
