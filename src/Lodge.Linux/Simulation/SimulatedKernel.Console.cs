using Lodge.Core.Hardware;
using Lodge.Linux.Host;

namespace Lodge.Linux.Simulation;

/// <summary>vtconsole binds, firmware framebuffer links and the display manager.</summary>
public sealed partial class SimulatedKernel
{
    /// <inheritdoc/>
    public Task SetVtConsoleBindAsync(string id, bool bound, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        HostNames.VtConsole(id);
        return Act(HostAction.VtConsoleBind, id, $"VtConsoleBind {id} {(bound ? 1 : 0)}", timeout, cancellationToken, () =>
        {
            var file = Real(new HostRoot(Root).Canonicalize($"/sys/class/vtconsole/{id}") + "/bind");
            if (!File.Exists(file))
            {
                throw Refuse(HostAction.VtConsoleBind, id, $"There is no vtconsole '{id}'.");
            }

            if (bound && _fbconGpu is not null && IsFramebufferConsole(file))
            {
                // 6.1 in the lab: the write is taken and does nothing; fbcon comes back only with a driver's framebuffer.
                return;
            }

            File.WriteAllText(file, bound ? "1\n" : "0\n");
        });
    }

    /// <summary>Makes the frame buffer consoles behave as Debian's 6.1 did in the lab (scenario 03): once unbound, a
    /// <c>1</c> written to <c>vtconN/bind</c> is taken and ignored, and fbcon takes the consoles again only when
    /// <paramref name="gpu"/> binds to a driver other than vfio-pci (its DRM driver registers a framebuffer).</summary>
    public SimulatedKernel WithFbconTakeoverOnly(PciAddress gpu)
    {
        lock (_gate)
        {
            _fbconGpu = gpu;
        }

        return this;
    }

    // fbcon takes over every frame buffer console when a framebuffer registers (fbcon_fb_registered).
    private void TakeOverConsoles(PciAddress address, string driver)
    {
        if (_fbconGpu != address || driver == "vfio-pci" || !Directory.Exists(Real("/sys/class/vtconsole")))
        {
            return;
        }

        foreach (var link in Directory.GetFileSystemEntries(Real("/sys/class/vtconsole")))
        {
            var bind = Path.Combine(link, "bind");
            if (File.Exists(bind) && IsFramebufferConsole(bind))
            {
                File.WriteAllText(bind, "1\n");
            }
        }
    }

    private static bool IsFramebufferConsole(string bindFile) =>
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(bindFile)!, "name")).Contains("frame buffer", StringComparison.Ordinal);

    /// <inheritdoc/>
    public Task UnbindFramebufferAsync(Framebuffer framebuffer, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var fb = HostNames.Framebuffer(framebuffer);
        return Act(HostAction.FramebufferUnbind, fb.Device, $"FramebufferUnbind {fb.Device}", timeout, cancellationToken, () =>
        {
            var link = Real($"/sys/bus/platform/drivers/{fb.Driver}/{fb.Device}");
            if (new FileInfo(link).LinkTarget is null)
            {
                throw Refuse(HostAction.FramebufferUnbind, fb.Device, $"Framebuffer '{fb.Device}' is not bound to '{fb.Driver}' (ENODEV).");
            }

            File.Delete(link);
        });
    }

    /// <inheritdoc/>
    public Task BindFramebufferAsync(Framebuffer framebuffer, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var fb = HostNames.Framebuffer(framebuffer);
        return Act(HostAction.FramebufferBind, fb.Device, $"FramebufferBind {fb.Device}", timeout, cancellationToken, () =>
        {
            if (!Directory.Exists(Real($"/sys/devices/platform/{fb.Device}")) || !Directory.Exists(Real($"/sys/bus/platform/drivers/{fb.Driver}")))
            {
                throw Refuse(HostAction.FramebufferBind, fb.Device, $"There is no framebuffer '{fb.Device}' for driver '{fb.Driver}' (ENODEV).");
            }

            if (new FileInfo(Real($"/sys/bus/platform/drivers/{fb.Driver}/{fb.Device}")).LinkTarget is not null)
            {
                throw Refuse(HostAction.FramebufferBind, fb.Device, $"Framebuffer '{fb.Device}' is already bound to '{fb.Driver}' (EBUSY).");
            }

            LinkFramebuffer(fb);
        });
    }

    /// <inheritdoc/>
    public Task StopDisplayManagerAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        SetDisplayManager(HostAction.StopDisplayManager, active: false, timeout, cancellationToken);

    /// <inheritdoc/>
    public Task StartDisplayManagerAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        SetDisplayManager(HostAction.StartDisplayManager, active: true, timeout, cancellationToken);

    private Task SetDisplayManager(HostAction action, bool active, TimeSpan timeout, CancellationToken cancellationToken) =>
        Act(action, "display-manager.service", $"{action}", timeout, cancellationToken, () =>
        {
            if (_displayManagerActive is null)
            {
                throw Refuse(action, "display-manager.service", "Unit display-manager.service not found.");
            }

            _displayManagerActive = active;
        });

    // /sys/bus/platform/drivers/efi-framebuffer/efi-framebuffer.0 -> ../../../../devices/platform/efi-framebuffer.0
    private void LinkFramebuffer(Framebuffer fb) =>
        File.CreateSymbolicLink(Real($"/sys/bus/platform/drivers/{fb.Driver}/{fb.Device}"), $"../../../../devices/platform/{fb.Device}");
}
