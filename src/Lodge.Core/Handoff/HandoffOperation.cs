using Lodge.Core.Hardware;

namespace Lodge.Core.Handoff;

/// <summary>One host write (or guest action) of a handoff: what, on which target, with which value.</summary>
/// <param name="Target">A PCI address, vtconsole id, framebuffer device, module, <c>display-manager.service</c> or <c>guest</c>.</param>
/// <param name="Value">The driver, driver_override, reset_method or framebuffer driver the operation writes; for the
/// <see cref="HandoffOperationKind.UnloadModule"/> that undoes a load, the modules loaded before it (space-separated),
/// which stay; null when none.</param>
/// <param name="MayFail">True when a failure is reported but does not count against restoring the host (a framebuffer that will not rebind).</param>
public sealed record HandoffOperation(HandoffOperationKind Kind, string Target, string? Value = null, bool MayFail = false)
{
    /// <summary>The <see cref="Value"/> of a <see cref="HandoffOperationKind.CheckHolders"/> that lets the display manager's own processes hold the card.</summary>
    public const string DisplayManagerMayHold = "display-manager-may-hold";

    /// <summary>The <see cref="Value"/> of the <see cref="HandoffOperationKind.CheckHolders"/> after the display manager
    /// stopped: its sessions and their audio (PipeWire) take a moment to let go, so the check scans again until nothing
    /// holds the card, for up to <see cref="ReleaseWait"/>.</summary>
    public const string AfterDisplayManager = "after-display-manager";

    /// <summary>How long the check after the display manager waits for the card and its audio to be let go.</summary>
    public static readonly TimeSpan ReleaseWait = TimeSpan.FromSeconds(15);

    /// <summary>The <see cref="Value"/> of a <see cref="HandoffOperationKind.BindVtConsole"/>: the GPU whose driver is rebound
    /// when the bind write alone does not bring the console back, e.g. <c>0000:00:02.0 bochs-drm</c>.</summary>
    public static string RebindValue(PciAddress gpu, string driver) => $"{gpu} {driver}";

    /// <summary>The GPU and driver of a <see cref="HandoffOperationKind.BindVtConsole"/>'s <see cref="Value"/>; null when it names none.</summary>
    public (PciAddress Gpu, string Driver)? Rebind =>
        Kind == HandoffOperationKind.BindVtConsole && Value?.Split(' ') is [var address, var driver] && PciAddress.TryParse(address, out var gpu) && driver.Length > 0
            ? (gpu, driver)
            : null;

    /// <summary>The operation that changes nothing.</summary>
    public static HandoffOperation None { get; } = new(HandoffOperationKind.Nothing, "-");

    /// <summary>One line for <c>--dry-run</c> and logs, e.g. <c>echo 0000:06:00.0 &gt; drivers_probe</c>.</summary>
    public string Describe() => Kind switch
    {
        HandoffOperationKind.Nothing => "nothing",
        HandoffOperationKind.CheckHolders => $"check that no process holds {Target}" + (Value == DisplayManagerMayHold ? " (the display manager's may)" : Value == AfterDisplayManager ? $" (waiting up to {(int)ReleaseWait.TotalSeconds} s for the sessions to let go)" : string.Empty),
        HandoffOperationKind.StopDisplayManager => "systemctl stop display-manager.service",
        HandoffOperationKind.StartDisplayManager => "systemctl start display-manager.service",
        HandoffOperationKind.StopService => $"systemctl stop {Target}",
        HandoffOperationKind.StartService => $"systemctl start {Target}",
        HandoffOperationKind.UnbindVtConsole => $"echo 0 > /sys/class/vtconsole/{Target}/bind",
        HandoffOperationKind.BindVtConsole => $"echo 1 > /sys/class/vtconsole/{Target}/bind",
        HandoffOperationKind.UnbindFramebuffer => $"echo {Target} > /sys/bus/platform/drivers/{Value}/unbind",
        HandoffOperationKind.BindFramebuffer => $"echo {Target} > /sys/bus/platform/drivers/{Value}/bind" + (MayFail ? " (a failure is tolerated)" : string.Empty),
        HandoffOperationKind.LoadModule => $"modprobe {Target}",
        HandoffOperationKind.UnloadModule => $"modprobe -r {Target}" + (Value is null ? string.Empty : " (then each module it brought that nothing uses)"),
        HandoffOperationKind.RequireUnloaded => $"check that {Target} is no longer loaded",
        HandoffOperationKind.Unbind => $"echo {Target} > /sys/bus/pci/devices/{Target}/driver/unbind" + (Value is null ? string.Empty : $" (from {Value})"),
        HandoffOperationKind.SetDriverOverride => Value is null
            ? $"echo > /sys/bus/pci/devices/{Target}/driver_override"
            : $"echo {Value} > /sys/bus/pci/devices/{Target}/driver_override",
        HandoffOperationKind.ProbeDrivers => $"echo {Target} > /sys/bus/pci/drivers_probe" + (Value is null ? string.Empty : $" (binds {Value})"),
        HandoffOperationKind.SetResetMethod => $"echo {Value} > /sys/bus/pci/devices/{Target}/reset_method",
        HandoffOperationKind.StartGuest => $"start the guest '{Target}'",
        HandoffOperationKind.StopGuest => $"stop the guest '{Target}'",
        _ => Kind.ToString(),
    };
}
