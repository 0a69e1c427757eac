namespace Lodge.Linux.Host;

/// <summary>Every kind of write Lodge makes to the host, named for fault injection, logs and errors.</summary>
public enum HostAction
{
    /// <summary><c>drivers/&lt;drv&gt;/unbind</c>.</summary>
    Unbind,

    /// <summary><c>drivers/&lt;drv&gt;/bind</c>.</summary>
    Bind,

    /// <summary><c>devices/&lt;bdf&gt;/driver_override</c>.</summary>
    SetDriverOverride,

    /// <summary><c>/sys/bus/pci/drivers_probe</c>.</summary>
    ProbeDrivers,

    /// <summary><c>drivers/&lt;drv&gt;/new_id</c>.</summary>
    NewId,

    /// <summary><c>drivers/&lt;drv&gt;/remove_id</c>.</summary>
    RemoveId,

    /// <summary><c>/sys/class/vtconsole/vtconN/bind</c>.</summary>
    VtConsoleBind,

    /// <summary><c>/sys/bus/platform/drivers/&lt;fb&gt;/unbind</c>.</summary>
    FramebufferUnbind,

    /// <summary><c>/sys/bus/platform/drivers/&lt;fb&gt;/bind</c>.</summary>
    FramebufferBind,

    /// <summary><c>devices/&lt;bdf&gt;/reset_method</c>.</summary>
    SetResetMethod,

    /// <summary><c>mdev_supported_types/&lt;type&gt;/create</c> (GVT-g).</summary>
    CreateMdev,

    /// <summary><c>/sys/bus/mdev/devices/&lt;uuid&gt;/remove</c>.</summary>
    RemoveMdev,

    /// <summary><c>modprobe NAME</c>.</summary>
    LoadModule,

    /// <summary><c>modprobe -r NAME</c>.</summary>
    UnloadModule,

    /// <summary>Stop <c>display-manager.service</c>.</summary>
    StopDisplayManager,

    /// <summary>Start <c>display-manager.service</c>.</summary>
    StartDisplayManager,

    /// <summary>systemd SetUnitProperties AllowedCPUs (runtime) on a slice or scope.</summary>
    SetAllowedCpus,

    /// <summary>Writes a hugepage pool's nr_hugepages.</summary>
    SetHugePages,
}
