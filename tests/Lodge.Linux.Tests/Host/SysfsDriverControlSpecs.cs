using Lodge.Core.Hardware;
using Lodge.Linux.Host;
using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Host;

// The production writer against a temp tree of plain files: never the real /sys.
public sealed class SysfsDriverControlSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly PciAddress Gpu = PciAddress.Parse("0000:06:00.0");

    private static HostTreeBuilder Tree() => new HostTreeBuilder()
        .Dir("/sys/devices/pci0000:00/0000:06:00.0")
        .File("/sys/devices/pci0000:00/0000:06:00.0/driver_override", "(null)\n")
        .File("/sys/devices/pci0000:00/0000:06:00.0/reset_method", "flr bus\n")
        .Link("/sys/devices/pci0000:00/0000:06:00.0/driver", "../../../bus/pci/drivers/amdgpu")
        .Link("/sys/bus/pci/devices/0000:06:00.0", "../../../devices/pci0000:00/0000:06:00.0")
        .File("/sys/bus/pci/drivers/amdgpu/unbind", string.Empty)
        .File("/sys/bus/pci/drivers/amdgpu/bind", string.Empty)
        .File("/sys/bus/pci/drivers/vfio-pci/bind", string.Empty)
        .File("/sys/bus/pci/drivers/vfio-pci/new_id", string.Empty)
        .File("/sys/bus/pci/drivers/vfio-pci/remove_id", string.Empty)
        .File("/sys/bus/pci/drivers_probe", string.Empty)
        .File("/sys/class/vtconsole/vtcon1/bind", "1\n")
        .File("/sys/bus/platform/drivers/efi-framebuffer/unbind", string.Empty)
        .File("/sys/bus/platform/drivers/efi-framebuffer/bind", string.Empty);

    private static string Read(HostTreeBuilder tree, string hostPath) => File.ReadAllText(tree.RealPath(hostPath));

    [Fact(Timeout = 15000)]
    public async Task I_can_unbind_and_the_address_goes_to_the_current_drivers_unbind_file()
    {
        // Arrange
        using var tree = Tree();
        var control = new SysfsDriverControl(tree.Host);

        // Act
        await control.UnbindAsync(Gpu, Timeout);

        // Assert
        Assert.Equal("0000:06:00.0\n", Read(tree, "/sys/bus/pci/drivers/amdgpu/unbind"));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_write_each_pci_attribute_with_the_text_the_kernel_expects()
    {
        // Arrange
        using var tree = Tree();
        var control = new SysfsDriverControl(tree.Host);

        // Act / Assert
        await control.SetDriverOverrideAsync(Gpu, "vfio-pci", Timeout);
        Assert.Equal("vfio-pci\n", Read(tree, "/sys/devices/pci0000:00/0000:06:00.0/driver_override"));
        await control.SetDriverOverrideAsync(Gpu, null, Timeout);
        Assert.Equal("\n", Read(tree, "/sys/devices/pci0000:00/0000:06:00.0/driver_override"));
        await control.ProbeDriversAsync(Gpu, Timeout);
        Assert.Equal("0000:06:00.0\n", Read(tree, "/sys/bus/pci/drivers_probe"));
        await control.BindAsync(Gpu, "vfio-pci", Timeout);
        Assert.Equal("0000:06:00.0\n", Read(tree, "/sys/bus/pci/drivers/vfio-pci/bind"));
        await control.NewIdAsync("vfio-pci", 0x1002, 0x73bf, Timeout);
        Assert.Equal("1002 73bf\n", Read(tree, "/sys/bus/pci/drivers/vfio-pci/new_id"));
        await control.RemoveIdAsync("vfio-pci", 0x1002, 0x73bf, Timeout);
        Assert.Equal("1002 73bf\n", Read(tree, "/sys/bus/pci/drivers/vfio-pci/remove_id"));
        await control.SetResetMethodAsync(Gpu, "device_specific", Timeout);
        Assert.Equal("device_specific\n", Read(tree, "/sys/devices/pci0000:00/0000:06:00.0/reset_method"));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_write_vtconsole_and_framebuffer_binds()
    {
        // Arrange
        using var tree = Tree();
        var control = new SysfsDriverControl(tree.Host);
        var efi = new Framebuffer("efi-framebuffer.0", "efi-framebuffer");

        // Act / Assert
        await control.SetVtConsoleBindAsync("vtcon1", false, Timeout);
        Assert.Equal("0\n", Read(tree, "/sys/class/vtconsole/vtcon1/bind"));
        await control.UnbindFramebufferAsync(efi, Timeout);
        Assert.Equal("efi-framebuffer.0\n", Read(tree, "/sys/bus/platform/drivers/efi-framebuffer/unbind"));
        await control.BindFramebufferAsync(efi, Timeout);
        Assert.Equal("efi-framebuffer.0\n", Read(tree, "/sys/bus/platform/drivers/efi-framebuffer/bind"));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_bind_to_a_driver_that_is_not_loaded_and_get_an_error_naming_the_file()
    {
        // Arrange
        using var tree = Tree();
        var control = new SysfsDriverControl(tree.Host);

        // Act
        var e = await Assert.ThrowsAsync<HostWriteException>(() => control.BindAsync(Gpu, "nvidia", Timeout));

        // Assert
        Assert.Contains("/sys/bus/pci/drivers/nvidia/bind", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(tree.RealPath("/sys/bus/pci/drivers/nvidia/bind")));
    }

    [Fact]
    public void I_can_try_to_pass_unvalidated_names_and_get_them_rejected_before_any_path_is_built()
    {
        // Arrange
        using var tree = Tree();
        var control = new SysfsDriverControl(tree.Host);

        // Act / Assert
        RejectedBeforeAnyWrite(() => control.BindAsync(Gpu, "../../../../etc", Timeout));
        RejectedBeforeAnyWrite(() => control.BindAsync(new PciAddress(0, 0x100, 0, 0), "amdgpu", Timeout));
        RejectedBeforeAnyWrite(() => control.SetDriverOverrideAsync(Gpu, "vfio-pci/../x", Timeout));
        RejectedBeforeAnyWrite(() => control.SetVtConsoleBindAsync("../vtcon1", true, Timeout));
        RejectedBeforeAnyWrite(() => control.UnbindFramebufferAsync(new Framebuffer("x.0", "efi-framebuffer"), Timeout));
        RejectedBeforeAnyWrite(() => control.SetResetMethodAsync(Gpu, "flr; reboot", Timeout));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_unbind_an_unknown_device_and_get_an_error()
    {
        // Arrange
        using var tree = Tree();
        var control = new SysfsDriverControl(tree.Host);

        // Act
        var e = await Assert.ThrowsAsync<HostWriteException>(() => control.UnbindAsync(PciAddress.Parse("0000:07:00.0"), Timeout));

        // Assert
        Assert.Equal("0000:07:00.0", e.Target);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_run_a_write_that_never_returns_and_get_a_timeout_instead_of_a_hang()
    {
        // Arrange
        using var never = new ManualResetEventSlim(false);

        // Act
        var e = await Assert.ThrowsAsync<HostWriteTimeoutException>(
            () => HostWrite.RunAsync(HostAction.Unbind, "0000:01:00.0", () => never.Wait(), TimeSpan.FromMilliseconds(100)));

        // Assert
        Assert.Equal(TimeSpan.FromMilliseconds(100), e.Timeout);
        Assert.Contains("0000:01:00.0", e.Message, StringComparison.Ordinal);
        never.Set();
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_unload_a_module_with_modprobe_r_and_a_failure_carries_its_stderr()
    {
        // Arrange
        var runner = new ScriptedRunner(new ProcessResult(1, string.Empty, "modprobe: FATAL: Module amdgpu is in use.\n"));
        var modules = new ModprobeModuleControl(runner);

        // Act
        var e = await Assert.ThrowsAsync<HostWriteException>(() => modules.UnloadModuleAsync("amdgpu", Timeout));

        // Assert
        Assert.Equal(["-r", "amdgpu"], runner.Arguments);
        Assert.Contains("in use", e.Message, StringComparison.Ordinal);
    }

    // Validation throws synchronously, before a task (or a thread, or a path) exists.
    private static void RejectedBeforeAnyWrite(Func<Task> call) => Assert.Throws<ArgumentException>(() => { _ = call(); });

    private sealed class ScriptedRunner(ProcessResult result) : IProcessRunner
    {
        public IReadOnlyList<string> Arguments { get; private set; } = [];

        public ProcessResult Run(string file, IReadOnlyList<string> arguments, TimeSpan timeout)
        {
            Arguments = arguments;
            return result;
        }

        public Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            Task.FromResult(Run(file, arguments, timeout));
    }
}
