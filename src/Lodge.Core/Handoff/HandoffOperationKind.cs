namespace Lodge.Core.Handoff;

/// <summary>What one half of a <see cref="HandoffStep"/> does to the host (or to the guest).</summary>
public enum HandoffOperationKind
{
    /// <summary>Changes nothing: the undo of a step that only checks.</summary>
    Nothing,

    /// <summary>Scans for processes that hold the devices and fails when one does.</summary>
    CheckHolders,

    /// <summary>Stops <c>display-manager.service</c>.</summary>
    StopDisplayManager,

    /// <summary>Starts <c>display-manager.service</c>.</summary>
    StartDisplayManager,

    /// <summary>Stops a systemd unit (<c>nvidia-persistenced.service</c>), which must be running.</summary>
    StopService,

    /// <summary>Starts a systemd unit again.</summary>
    StartService,

    /// <summary>Writes <c>0</c> to a vtconsole's <c>bind</c>.</summary>
    UnbindVtConsole,

    /// <summary>Writes <c>1</c> to a vtconsole's <c>bind</c>.</summary>
    BindVtConsole,

    /// <summary>Unbinds a firmware framebuffer from its platform driver; <see cref="HandoffOperation.Value"/> is the driver.</summary>
    UnbindFramebuffer,

    /// <summary>Binds a firmware framebuffer to its platform driver; <see cref="HandoffOperation.Value"/> is the driver.</summary>
    BindFramebuffer,

    /// <summary><c>modprobe NAME</c>.</summary>
    LoadModule,

    /// <summary><c>modprobe -r NAME</c>.</summary>
    UnloadModule,

    /// <summary>Fails when a module is still loaded: <c>modprobe -r</c> leaves a dependency that something still uses.</summary>
    RequireUnloaded,

    /// <summary>Unbinds a PCI device from whatever driver it has.</summary>
    Unbind,

    /// <summary>Writes a PCI device's <c>driver_override</c>; a null value clears it.</summary>
    SetDriverOverride,

    /// <summary>Writes a PCI device to <c>drivers_probe</c>.</summary>
    ProbeDrivers,

    /// <summary>Writes a PCI device's <c>reset_method</c>.</summary>
    SetResetMethod,

    /// <summary>Starts the guest.</summary>
    StartGuest,

    /// <summary>Stops the guest (nothing when it has exited).</summary>
    StopGuest,
}
