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
                for (var waited = TimeSpan.Zero; found.Count > 0 && operation.Value == HandoffOperation.AfterDisplayManager && waited < HandoffOperation.ReleaseWait; waited += ReleasePoll)
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
            case HandoffOperationKind.UnbindVtConsole or HandoffOperationKind.BindVtConsole:
                // HOST EFFECT: the frame buffer console lets go of (or takes back) the VTs; undone by the opposite write.
                await host.Consoles.SetVtConsoleBindAsync(target, operation.Kind == HandoffOperationKind.BindVtConsole, timeout, cancellationToken).ConfigureAwait(false);
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
                // HOST EFFECT: the module (and dependencies nothing uses) unloads; undone by LoadModule.
                await host.Modules.UnloadModuleAsync(target, timeout, cancellationToken).ConfigureAwait(false);
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
                // HOST EFFECT: the guest stops and lets go of the GPU; the way back follows.
                await host.Guest.StopAsync(target, cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown handoff operation.");
        }
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
