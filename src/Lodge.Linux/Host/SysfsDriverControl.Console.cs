using Lodge.Core.Hardware;

namespace Lodge.Linux.Host;

/// <summary>vtconsole and firmware framebuffer writes.</summary>
public sealed partial class SysfsDriverControl
{
    /// <inheritdoc/>
    public Task SetVtConsoleBindAsync(string id, bool bound, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var file = Resolve($"/sys/class/vtconsole/{HostNames.VtConsole(id)}/bind");
        var want = bound ? "1" : "0";

        // HOST EFFECT: attaches (1) or detaches (0) the console driver from the VTs; undone by the opposite write.
        // The kernel may take the write and not act on it: in the lab (6.1), a bind written seconds after the display
        // manager stopped left vtcon0 unbound, and a rescue that trusted the write said the host had its GPU back. So
        // read it back, write again a few times, and fail rather than claim a console that is not there.
        if (ChildWriter is { } writer)
        {
            // In a child of its own, read-back included (reading 'bind' takes the console lock as writing does): a write
            // the kernel never returns from keeps the child, never Lodge, and names it as the wedge's writer.
            return ChildProcessWrite.RunAsync(writer, ChildLogFolder, HostAction.VtConsoleBind, id, file.HostPath, file.RealPath, want + "\n", timeout, cancellationToken, readBack: true);
        }

        return HostWrite.RunAsync(HostAction.VtConsoleBind, id, () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                WriteNow(HostAction.VtConsoleBind, id, file, want + "\n");
                var now = File.ReadAllText(file.RealPath).Trim();
                if (now == want)
                {
                    return;
                }

                if (attempt == 5)
                {
                    throw new HostWriteException(HostAction.VtConsoleBind, id, $"'{file.HostPath}' still reads {now} after {want} was written to it five times: the kernel did not {(bound ? "bind" : "unbind")} the console.");
                }

                Thread.Sleep(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }, timeout, cancellationToken);
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
