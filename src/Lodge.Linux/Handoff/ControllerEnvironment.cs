using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Host;
using Lodge.Linux.Processes;
using Lodge.Linux.Sysfs;

namespace Lodge.Linux.Handoff;

/// <summary>What giving a machine's <c>[[usb]] controller</c> entries to vfio-pci acts on: the host as it is now, the disks
/// behind the controllers, and the write interfaces (sysfs and modprobe).</summary>
/// <param name="Scan">Reads PCI, IOMMU groups, modules and input devices now.</param>
/// <param name="DisksInUse">The disks behind those controllers that the host uses.</param>
/// <param name="Host">The write interfaces, with a log line per mutation.</param>
public sealed record ControllerEnvironment(
    Func<HostSnapshot> Scan,
    Func<IReadOnlyList<PciAddress>, IReadOnlyList<ControllerDiskUse>> DisksInUse,
    Func<Action<string>, HandoffHost> Host)
{
    /// <summary>The real host below <paramref name="root"/>: sysfs writes below it, modprobe, and no guest of its own
    /// (the controllers' steps never start or stop one).</summary>
    public static ControllerEnvironment Production(HostRoot root, IProcessRunner runner, string runRoot)
    {
        ArgumentNullException.ThrowIfNull(root);
        var sysfs = new SysfsDriverControl(root);
        return new ControllerEnvironment(
            () => new SysfsScanner(root).ScanForControllers(),
            controllers => ControllerDisks.InUse(root, controllers),
            log => new HandoffHost(sysfs, sysfs, sysfs, new ModprobeModuleControl(runner), new SystemdDisplayManagerControl(), new PidFileGuestControl(root, runner, runRoot), (_, _) => Task.FromResult<IReadOnlyList<DeviceHolder>>([]), log)
            {
                ModuleLoaded = module => HandoffHost.ProcModules(root, module),
                LoadedModules = () => HandoffHost.ProcModules(root),
            });
    }
}
