using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Host;

namespace Lodge.Linux.Handoff;

/// <summary>Runs one <see cref="HandoffOperation"/> through the host interfaces with its timeout, and logs each mutation.</summary>
/// <remarks>
/// Host writes time out inside the interfaces (<see cref="Host.HostWrite"/>); the guest and the holder scan get the same
/// limit here, and report it as a <see cref="TimeoutException"/>.
/// </remarks>
public sealed class HandoffOperationRunner(HandoffHost host)
{
    private static readonly TimeSpan ReleasePoll = TimeSpan.FromMilliseconds(250);

    /// <summary>The host's read-back, when it has one.</summary>
    public KernelReadBack? ReadBack => host.ReadBack;

    /// <summary>Runs <paramref name="operation"/>; throws on failure or timeout.</summary>
    public async Task RunAsync(HandoffOperation operation, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var target = operation.Target;
        switch (operation.Kind)
        {
            case HandoffOperationKind.Nothing:
                return;
            case HandoffOperationKind.CheckHolders:
                var devices = target.Split(", ").Select(PciAddress.Parse).ToList();
                var found = await host.Holders(devices, cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);

                // After the display manager stopped, its sessions end and PipeWire lets go of the HDMI audio over a
                // moment, not at once: scan again (bounded) instead of refusing on the first look.
                for (var waited = TimeSpan.Zero; found.Count > 0 && operation.Value == HandoffOperation.AfterDisplayManager && waited < host.ReleaseWait; waited += ReleasePoll)
                {
                    await Task.Delay(ReleasePoll, cancellationToken).ConfigureAwait(false);
                    found = await host.Holders(devices, cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                }

                var holders = operation.Value == HandoffOperation.DisplayManagerMayHold ? [.. found.Where(h => !h.EndsWithDisplayManager)] : found;
                if (holders.Count > 0)
                {
                    throw new HandoffHeldException(holders);
                }

                return;
            case HandoffOperationKind.RequireUnloaded:
                if (await Task.Run(() => host.ModuleLoaded(target), cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false) != false)
                {
                    throw new HostWriteException(HostAction.UnloadModule, target, $"Module '{target}' is still loaded (a program still has /dev/{target}* open, or /proc/modules is unreadable), so no device was unbound.");
                }

                return;
        }

        host.Log(Describe(operation));
        switch (operation.Kind)
        {
            case HandoffOperationKind.StopDisplayManager:
                // HOST EFFECT: the display manager and the user's graphical session stop; undone by StartDisplayManager.
                await host.DisplayManager.StopDisplayManagerAsync(timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.StartDisplayManager:
                // HOST EFFECT: the display manager starts again; undone by StopDisplayManager.
                await host.DisplayManager.StartDisplayManagerAsync(timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.StopService:
                // HOST EFFECT: the unit (nvidia-persistenced) stops and lets go of the driver; undone by StartService.
                await host.ServiceControl.StopUnitAsync(target, timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.StartService:
                // HOST EFFECT: the unit starts again; undone by StopService.
                await host.ServiceControl.StartUnitAsync(target, timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.UnbindVtConsole:
                // HOST EFFECT: the frame buffer console lets go of the VTs; undone by BindVtConsole.
                await host.Consoles.SetVtConsoleBindAsync(target, false, timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.BindVtConsole:
                // HOST EFFECT: the frame buffer console takes the VTs back (through the GPU's driver if need be); undone by UnbindVtConsole.
                await BindConsoleAsync(operation, timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.UnbindFramebuffer:
                // HOST EFFECT: the firmware framebuffer releases the GPU's memory; undone by BindFramebuffer.
                await host.Consoles.UnbindFramebufferAsync(new Framebuffer(target, operation.Value!), timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.BindFramebuffer:
                // HOST EFFECT: the firmware framebuffer takes the console again; undone by UnbindFramebuffer.
                await host.Consoles.BindFramebufferAsync(new Framebuffer(target, operation.Value!), timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.LoadModule:
                // HOST EFFECT: the module loads and its drivers bind matching unbound devices; undone by UnloadModule.
                await host.Modules.LoadModuleAsync(target, timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.UnloadModule:
                // HOST EFFECT: the module unloads (with the modules the handoff brought, when Value lists those loaded
                // before it); undone by LoadModule.
                await UnloadAsync(target, operation.Value, timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.Unbind:
                // HOST EFFECT: the device leaves its driver; undone by ProbeDrivers (or the module reload's probe).
                await host.Drivers.UnbindAsync(PciAddress.Parse(target), timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.SetDriverOverride:
                // HOST EFFECT: only the named driver may bind the device (null clears); undone by writing the previous value.
                await host.Drivers.SetDriverOverrideAsync(PciAddress.Parse(target), operation.Value, timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.ProbeDrivers:
                // HOST EFFECT: an unbound device binds to its override or matching driver; undone by Unbind.
                await host.Drivers.ProbeDriversAsync(PciAddress.Parse(target), timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.SetResetMethod:
                // HOST EFFECT: the kernel resets the device another way; undone by writing the previous methods.
                await host.ResetMethods.SetResetMethodAsync(PciAddress.Parse(target), operation.Value!, timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.StartGuest:
                // HOST EFFECT: the guest runs with the GPU; undone by StopGuest.
                await host.Guest.StartAsync(target, cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                break;
            case HandoffOperationKind.StopGuest:
                // HOST EFFECT: the guest stops and lets go of the GPU; the way back follows. A guest that bounds its own stop
                // (ACPI for its shutdown_timeout, then a force-off) gets that long: the way back must not run while it holds the GPU.
                var within = host.Guest.StopWithin is { } own && own > timeout ? own : timeout;
                await host.Guest.StopAsync(target, cancellationToken).WaitAsync(within, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown handoff operation.");
        }
    }

    /// <summary>Reads back through the kernel what <paramref name="undo"/> restored; null when it agrees (or cannot be read
    /// back), else one sentence saying what the kernel shows instead.</summary>
    public string? Verify(HandoffOperation undo)
    {
        ArgumentNullException.ThrowIfNull(undo);
        if (host.ReadBack is not { } kernel)
        {
            return null;
        }

        var device = PciAddress.TryParse(undo.Target, out var a) ? a : (PciAddress?)null;
        switch (undo.Kind)
        {
            case HandoffOperationKind.ProbeDrivers when device is { } d && undo.Value is { } driver && kernel.HasDevice(d):
                var now = kernel.DriverOf(d);
                return now == driver ? null : $"'{d}' should be back on '{driver}', but the kernel shows it on {(now is null ? "no driver" : $"'{now}'")}.";
            case HandoffOperationKind.Unbind when device is { } d && undo.Value is { } from && kernel.DriverOf(d) == from:
                return $"'{d}' should have left '{from}', but the kernel still shows it there.";
            case HandoffOperationKind.SetDriverOverride when device is { } d && kernel.HasDevice(d) && kernel.DriverOverrideOf(d) is var over && over != undo.Value:
                return $"driver_override of '{d}' should be {(undo.Value is null ? "cleared" : $"'{undo.Value}'")}, but the kernel shows {(over is null ? "none" : $"'{over}'")}.";
            case HandoffOperationKind.BindVtConsole when kernel.VtConsoleBound(undo.Target) == false:
                return $"vtconsole '{undo.Target}' should be bound again, but '/sys/class/vtconsole/{undo.Target}/bind' reads 0.";
            case HandoffOperationKind.BindFramebuffer when undo.Value is { } fbDriver && !kernel.FramebufferBound(new Framebuffer(undo.Target, fbDriver)):
                return $"Framebuffer '{undo.Target}' should be bound to '{fbDriver}' again, but the kernel shows it unbound.";
            default:
                return null;
        }
    }

    // echo 1 > vtconN/bind, read back. On 6.1 the kernel takes the write and leaves the console unbound while the card's
    // DRM driver stays bound (lab scenario 03: a kill between the console unbind and the GPU unbind); what brings fbcon back
    // is the DRM driver registering its framebuffer again, as it does on every way back after a GPU unbind. So when the
    // write does not take, unbind the GPU from its driver and probe it (never for nvidia: an unbind while nvidia_drm is
    // loaded never returns), then write and read back again.
    private async Task BindConsoleAsync(HandoffOperation operation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        HostWriteException? error = null;
        try
        {
            await host.Consoles.SetVtConsoleBindAsync(operation.Target, true, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (HostWriteException e) when (e is not HostWriteTimeoutException)
        {
            error = e;
        }

        if (host.ReadBack is not { } kernel)
        {
            if (error is not null)
            {
                throw error;
            }

            return;
        }

        if (kernel.VtConsoleBound(operation.Target) != false)
        {
            return;
        }

        if (operation.Rebind is not { } rebind || rebind.Driver == "nvidia" || kernel.DriverOf(rebind.Gpu) != rebind.Driver)
        {
            throw error ?? new HostWriteException(HostAction.VtConsoleBind, operation.Target, $"'/sys/class/vtconsole/{operation.Target}/bind' still reads 0 after 1 was written to it: the kernel did not bind the console.");
        }

        host.Log($"vtconsole '{operation.Target}' stayed unbound after 1 was written to its bind; rebinding '{rebind.Gpu}' to '{rebind.Driver}' so that fbcon takes the console again.");

        // HOST EFFECT: the GPU leaves its DRM driver and binds it again at once (its framebuffer registers anew and fbcon
        // takes the console over); nothing to undo: the device ends on the driver it was on.
        await host.Drivers.UnbindAsync(rebind.Gpu, timeout, cancellationToken).ConfigureAwait(false);
        await host.Drivers.ProbeDriversAsync(rebind.Gpu, timeout, cancellationToken).ConfigureAwait(false);
        if (kernel.DriverOf(rebind.Gpu) != rebind.Driver)
        {
            throw new HostWriteException(HostAction.ProbeDrivers, rebind.Gpu.ToString(), $"'{rebind.Gpu}' did not come back on '{rebind.Driver}' after it was unbound to rebind the console (now: {kernel.DriverOf(rebind.Gpu) ?? "no driver"}).");
        }

        if (kernel.VtConsoleBound(operation.Target) != true)
        {
            await host.Consoles.SetVtConsoleBindAsync(operation.Target, true, timeout, cancellationToken).ConfigureAwait(false);
        }

        if (kernel.VtConsoleBound(operation.Target) != true)
        {
            throw new HostWriteException(HostAction.VtConsoleBind, operation.Target, $"'/sys/class/vtconsole/{operation.Target}/bind' still reads 0 after 1 was written to it and '{rebind.Gpu}' was rebound to '{rebind.Driver}': the kernel did not bind the console.");
        }
    }

    // 'modprobe -r NAME', skipped when NAME is gone already (kmod may have taken it with a module that used it, or an
    // earlier run of this undo did). With the names loaded before the handoff (the undo of a load), the dependencies
    // of NAME that were not loaded then and that nothing uses now unload too, one at a time until none is left: real
    // kmod removes a dependency only when it meets it unused in one pass, and left vfio, irqbypass and vfio_virqfd
    // behind after 'modprobe -r vfio_pci' (seen in the lab on 6.1). A module loaded before is never unloaded.
    private async Task UnloadAsync(string name, string? loadedBefore, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var modules = host.LoadedModules();
        var keep = loadedBefore?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        // What the load brought: the dependencies /proc/modules shows, and those modprobe names (soft dependencies too: in
        // the lab, 'modprobe vfio_pci' also loaded vfio_iommu_type1, vfio's "post:" soft dependency). A load cut short
        // (lodge killed while modprobe ran) leaves some of them loaded without NAME itself.
        var named = keep is null || modules is null ? null : await host.Modules.DependenciesAsync(name, timeout, cancellationToken).ConfigureAwait(false);
        var brought = keep is null || modules is null ? [] : DependenciesOf(name, modules).Union(named ?? [])
            .Where(d => !keep.Contains(d) && modules.Any(m => m.Name == d)).ToHashSet(StringComparer.Ordinal);
        if (modules is not null && modules.All(m => m.Name != name))
        {
            host.Log(brought.Count == 0 ? $"Module '{name}' is not loaded; nothing to unload." : $"Module '{name}' is not loaded, but its load left '{string.Join("', '", brought.Order(StringComparer.Ordinal))}' behind.");
        }
        else
        {
            await host.Modules.UnloadModuleAsync(name, timeout, cancellationToken).ConfigureAwait(false);
        }

        while (brought.Count > 0)
        {
            var now = host.LoadedModules();
            var next = now?.FirstOrDefault(m => brought.Contains(m.Name) && m.UsedBy.Count == 0 && m.RefCount is 0 or null);
            if (next is null)
            {
                return; // gone, or still used by something the handoff did not load: it stays
            }

            brought.Remove(next.Name);
            host.Log($"UnloadModule '{next.Name}' (loaded with '{name}', and nothing uses it now).");
            await host.Modules.UnloadModuleAsync(next.Name, timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    // Every module NAME uses, directly or through another (/proc/modules lists a module's users, not its dependencies).
    private static List<string> DependenciesOf(string name, IReadOnlyList<LoadedModule> modules)
    {
        var found = new List<string>();
        var queue = new Queue<string>([name]);
        while (queue.TryDequeue(out var user))
        {
            foreach (var m in modules.Where(m => m.UsedBy.Contains(user, StringComparer.Ordinal) && !found.Contains(m.Name) && m.Name != name))
            {
                found.Add(m.Name);
                queue.Enqueue(m.Name);
            }
        }

        return found;
    }

    // One line per mutation, with the device and both drivers where a driver changes.
    private static string Describe(HandoffOperation op) => op.Kind switch
    {
        HandoffOperationKind.Unbind => $"Unbind '{op.Target}': driver '{op.Value ?? "?"}' -> none.",
        HandoffOperationKind.ProbeDrivers => $"Probe '{op.Target}': driver none -> '{op.Value ?? "matching"}'.",
        HandoffOperationKind.SetDriverOverride => $"Set driver_override of '{op.Target}' to '{op.Value ?? "(none)"}'.",
        _ => $"{op.Kind} '{op.Target}'{(op.Value is null ? string.Empty : $" ({op.Value})")}.",
    };
}
