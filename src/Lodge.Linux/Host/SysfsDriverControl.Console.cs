using Lodge.Core.Hardware;

namespace Lodge.Linux.Host;

/// <summary>vtconsole and firmware framebuffer writes.</summary>
public sealed partial class SysfsDriverControl
{
    /// <inheritdoc/>
    public Task SetVtConsoleBindAsync(string id, bool bound, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var file = Resolve($"/sys/class/vtconsole/{HostNames.VtConsole(id)}/bind");

        // HOST EFFECT: attaches (1) or detaches (0) the console driver from the VTs; undone by the opposite write.
        return Write(HostAction.VtConsoleBind, id, file, bound ? "1\n" : "0\n", timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public Task UnbindFramebufferAsync(Framebuffer framebuffer, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var fb = HostNames.Framebuffer(framebuffer);
        var file = Resolve($"/sys/bus/platform/drivers/{fb.Driver}/unbind");

        // HOST EFFECT: the firmware framebuffer lets go of the GPU's memory; undone by BindFramebufferAsync.
        return Write(HostAction.FramebufferUnbind, fb.Device, file, fb.Device + "\n", timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public Task BindFramebufferAsync(Framebuffer framebuffer, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var fb = HostNames.Framebuffer(framebuffer);
        var file = Resolve($"/sys/bus/platform/drivers/{fb.Driver}/bind");

        // HOST EFFECT: the firmware framebuffer takes the console again; undone by UnbindFramebufferAsync.
        return Write(HostAction.FramebufferBind, fb.Device, file, fb.Device + "\n", timeout, cancellationToken);
    }
}
