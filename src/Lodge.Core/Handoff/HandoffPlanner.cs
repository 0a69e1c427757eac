using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Handoff;

/// <summary>Turns a snapshot and a <see cref="HandoffRequest"/> into a <see cref="HandoffPlan"/>. Pure: no I/O.</summary>
/// <remarks>
/// Order towards the guest: pre-flight holder check; (handoff mode) stop the display manager, unbind the frame buffer
/// vtconsoles and the firmware framebuffers; load vfio-pci; for an NVIDIA card stop nvidia-persistenced and unload
/// nvidia_drm, nvidia_modeset, nvidia_uvm and nvidia (which unbinds the card) before any unbind; unbind each other
/// endpoint from its driver; unload the other drivers' modules that nothing else uses (amdgpu only when asked); reset_method=device_specific for an AMD reset-bug GPU when vendor_reset is loaded;
/// driver_override=vfio-pci and drivers_probe for each endpoint; start the guest. The way back is the undos in reverse:
/// stop the guest, unbind from vfio-pci, clear the overrides, restore reset_method, reload the modules (their drivers
/// bind the devices again), re-probe, unload vfio-pci if Lodge loaded it, rebind the framebuffers (a failure is
/// tolerated: a known kernel bug) and the consoles, start the display manager.
/// A device whose driver is unknown or absent at plan time is not unbound and not re-probed: the way back leaves it as
/// it was recorded, unbound, so a dump without driver links still gets a plan that restores it.
/// </remarks>
public static partial class HandoffPlanner
{
    private const string VfioPci = "vfio-pci";
    private const string NvidiaPersistenced = "nvidia-persistenced.service";

    /// <summary>Plans the handoff; a plan that must not run carries its <see cref="HandoffPlan.Refusals"/>.</summary>
    public static HandoffPlan Plan(HostSnapshot host, HandoffRequest request)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        var refusals = new List<string>();
        var warnings = new List<string>();
        var steps = new List<HandoffStep>();
        var t = request.Timeouts;
        var gpu = host.FindDevice(request.Gpu);
        if (request.Mode is not (GpuMode.Handoff or GpuMode.Dedicated))
        {
            refusals.Add($"Cannot hand off '{request.Gpu}': gpu.mode is '{request.Mode}', and only 'handoff' and 'dedicated' pass a GPU through.");
        }

        if (gpu is null)
        {
            refusals.Add($"Cannot hand off '{request.Gpu}': there is no such PCI device on this host.");
            return new HandoffPlan(request.Guest, request.Gpu, request.Mode, [], new Dictionary<PciAddress, string?>(), [], refusals, warnings);
        }

        var endpoints = Endpoints(host, gpu, warnings);
        var originals = endpoints.ToDictionary(a => a, a => host.FindDevice(a)?.Driver);
        foreach (var holder in request.Holders.Where(h => endpoints.Contains(h.Device)))
        {
            if (request.Mode == GpuMode.Handoff && holder.EndsWithDisplayManager)
            {
                warnings.Add($"{holder} and will be stopped with the display manager.");
                continue;
            }

            refusals.Add($"Cannot hand off '{request.Gpu}': {holder}.");
        }

        void Add(string name, HandoffOperation @do, HandoffOperation undo, TimeSpan timeout) =>
            steps.Add(new HandoffStep(steps.Count + 1, name, @do, undo, timeout));

        var targets = string.Join(", ", endpoints);
        var stopsDisplayManager = request.Mode == GpuMode.Handoff && (request.DisplayManagerActive ?? host.Display.DisplayManager is not null);

        // Before the display manager stops, its own processes may hold the card; after it, nothing may (an unbind
        // of a held GPU can block forever).
        var first = new HandoffOperation(HandoffOperationKind.CheckHolders, targets, stopsDisplayManager ? HandoffOperation.DisplayManagerMayHold : null);
        Add("pre-flight: no process holds the GPU", first, HandoffOperation.None, t.Service);
        if (request.Mode == GpuMode.Handoff)
        {
            AddConsoleSteps(host, request, gpu.Address, originals[gpu.Address], Add);
        }

        if (stopsDisplayManager)
        {
            Add("pre-flight: nothing holds the GPU after the display manager stopped", new(HandoffOperationKind.CheckHolders, targets, HandoffOperation.AfterDisplayManager), HandoffOperation.None, t.Service);
        }

        AddVfioModules(host, Add, t);

        // NVIDIA first: an unbind from nvidia while nvidia_drm (its in-kernel fbdev client) is loaded never returns, so the
        // stack unloads before any binding is touched, and unloading nvidia unbinds its devices itself. A module that
        // will not unload stops the handoff here, with no binding changed.
        var (early, late, unbound) = ModulesToUnload(host, request, endpoints, originals, warnings, refusals);
        if (early.Count > 0)
        {
            if (request.NvidiaPersistencedActive == true)
            {
                Add("stop nvidia-persistenced", new(HandoffOperationKind.StopService, NvidiaPersistenced), new(HandoffOperationKind.StartService, NvidiaPersistenced), t.Service);
            }
            else if (request.NvidiaPersistencedActive is null)
            {
                warnings.Add("Whether nvidia-persistenced runs is unknown: if it does, 'modprobe -r nvidia' fails and the handoff stops before any unbind, with nothing left changed.");
            }
        }

        foreach (var module in early)
        {
            Add($"unload {module}", new(HandoffOperationKind.UnloadModule, module), new(HandoffOperationKind.LoadModule, module), t.Module);
        }

        if (unbound.Count > 0)
        {
            // modprobe -r leaves a dependency that something still has open (a CUDA program): then stop, before any unbind.
            Add("check that nvidia is unloaded", new(HandoffOperationKind.RequireUnloaded, "nvidia"), HandoffOperation.None, t.Module);
        }

        foreach (var address in endpoints.Where(a => originals[a] is not null && !unbound.Contains(a)))
        {
            var driver = originals[address]!;
            Add($"unbind {address} from {driver}", new(HandoffOperationKind.Unbind, address.ToString(), driver), new(HandoffOperationKind.ProbeDrivers, address.ToString(), driver), t.Unbind);
        }

        foreach (var module in late)
        {
            Add($"unload {module}", new(HandoffOperationKind.UnloadModule, module), new(HandoffOperationKind.LoadModule, module), t.Module);
        }

        AddResetMethod(host, gpu, Add, warnings, t);
        foreach (var address in endpoints)
        {
            var before = host.FindDevice(address)?.DriverOverride;
            Add($"driver_override of {address} = vfio-pci", new(HandoffOperationKind.SetDriverOverride, address.ToString(), VfioPci), new(HandoffOperationKind.SetDriverOverride, address.ToString(), before), t.Sysfs);
        }

        foreach (var address in endpoints)
        {
            Add($"bind {address} to vfio-pci", new(HandoffOperationKind.ProbeDrivers, address.ToString(), VfioPci), new(HandoffOperationKind.Unbind, address.ToString(), VfioPci), t.Sysfs);
        }

        Add($"start the guest '{request.Guest}'", new(HandoffOperationKind.StartGuest, request.Guest), new(HandoffOperationKind.StopGuest, request.Guest), t.Guest);
        return new HandoffPlan(request.Guest, request.Gpu, request.Mode, endpoints, originals, steps, refusals, warnings)
        {
            DriverModules = host.Kernel.DriverModules,
            ModuleUsers = host.Kernel.Modules?.ToDictionary(m => m.Name, m => m.UsedBy, StringComparer.Ordinal) ?? new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal),
        };
    }

    /// <summary>The steps that load vfio-pci and the vfio IOMMU backend when they are not loaded, each undone by an unload
    /// that takes only what it brought: the handoff's and a passed controller's (<see cref="ControllerHandoffPlanner"/>).</summary>
    internal static void AddVfioModules(HostSnapshot host, Action<string, HandoffOperation, HandoffOperation, TimeSpan> add, HandoffTimeouts t)
    {
        // The undo of a load names the modules loaded before the handoff (the journal records it with the step), so
        // the way back unloads exactly what the handoff brought: vfio_pci with the vfio modules it pulled in, never
        // one that was loaded before.
        var loadedBefore = host.Kernel.Modules is { } present ? string.Join(' ', present.Select(m => m.Name).Order(StringComparer.Ordinal)) : null;
        var vfioLoaded = host.Kernel.IsModuleLoaded("vfio_pci");
        if (vfioLoaded != true)
        {
            add("load vfio-pci", new(HandoffOperationKind.LoadModule, "vfio_pci"), new(HandoffOperationKind.UnloadModule, "vfio_pci", loadedBefore), t.Module);
        }

        // QEMU's VFIO container makes the kernel load the IOMMU backend on demand, and the backend holds vfio; then
        // 'modprobe -r vfio_pci' stops at vfio and leaves vfio, vfio_iommu_type1, irqbypass and vfio_virqfd loaded
        // (seen in the lab on 6.1). Loaded here, after vfio-pci, its undo runs first and the way back ends clean. Not
        // when vfio is built in (vfio_pci in /sys/module but not in /proc/modules): then so is the backend.
        var vfioModular = vfioLoaded != true || host.Kernel.Modules?.Any(m => m.Name == "vfio_pci") == true;
        if (vfioModular && host.Kernel.IsModuleLoaded("vfio_iommu_type1") == false)
        {
            add("load the vfio IOMMU backend", new(HandoffOperationKind.LoadModule, "vfio_iommu_type1"), new(HandoffOperationKind.UnloadModule, "vfio_iommu_type1", loadedBefore), t.Module);
        }
    }

    private static void AddConsoleSteps(HostSnapshot host, HandoffRequest request, PciAddress gpu, string? driver, Action<string, HandoffOperation, HandoffOperation, TimeSpan> add)
    {
        var t = request.Timeouts;
        if (request.DisplayManagerActive ?? host.Display.DisplayManager is not null)
        {
            const string Unit = "display-manager.service";
            add("stop the display manager", new(HandoffOperationKind.StopDisplayManager, Unit), new(HandoffOperationKind.StartDisplayManager, Unit), t.Service);
        }

        foreach (var console in host.Display.VtConsoles.Where(v => v.IsFramebuffer && v.Bound == true).OrderBy(v => v.Id, StringComparer.Ordinal))
        {
            // The undo names the GPU and its driver: when the kernel ignores the bind write (6.1 does while the card's DRM
            // driver is still bound, seen in the lab), the way back rebinds that driver and fbcon takes the console itself.
            var rebind = driver is null ? null : HandoffOperation.RebindValue(gpu, driver);
            add($"unbind vtconsole {console.Id}", new(HandoffOperationKind.UnbindVtConsole, console.Id), new(HandoffOperationKind.BindVtConsole, console.Id, rebind), t.Sysfs);
        }

        foreach (var fb in host.Display.Framebuffers.OrderBy(f => f.Device, StringComparer.Ordinal))
        {
            // A framebuffer that will not rebind after the guest is a known kernel bug; the display manager must come back anyway.
            add($"unbind framebuffer {fb.Device}", new(HandoffOperationKind.UnbindFramebuffer, fb.Device, fb.Driver), new(HandoffOperationKind.BindFramebuffer, fb.Device, fb.Driver, MayFail: true), t.Sysfs);
        }
    }

    // Resizable BAR on (BAR 0 above the classic 256 MiB) is a known cause of a black screen or Code 43 in the guest, above
    // all on RDNA2 (Navi 21-24): the guest's firmware and QEMU's PCI hole do not fit the large BAR.
    private static void WarnResizableBar(PciDevice gpu, List<string> warnings)
    {
        if (gpu.Config?.ResizableBarMiB is { } mib && mib > 256)
        {
            warnings.Add($"'{gpu.Address}' has Resizable BAR on (BAR of {(mib >= 1024 ? $"{mib / 1024} GiB" : $"{mib} MiB")}), a known cause of a black screen in the guest (above all on RDNA2 cards). Turn Resizable BAR off in the firmware setup, or shrink the BAR before the handoff with 'echo 8 > /sys/bus/pci/devices/{gpu.Address}/resource0_resize' (256 MiB, kernel 6.1 or later; the guest then sees the classic size).");
        }
    }

    private static void AddResetMethod(HostSnapshot host, PciDevice gpu, Action<string, HandoffOperation, HandoffOperation, TimeSpan> add, List<string> warnings, HandoffTimeouts t)
    {
        WarnResizableBar(gpu, warnings);
        if (AmdResetBug.Family(gpu.VendorId, gpu.DeviceId) is not { } family)
        {
            return;
        }

        if (host.Kernel.IsModuleLoaded("vendor_reset") != true)
        {
            warnings.Add($"'{gpu.Address}' is a {family} GPU with the AMD reset bug and vendor-reset is not loaded: after the guest stops, the GPU may not come back until the host reboots.");
            return;
        }

        if (gpu.ResetMethods is null)
        {
            warnings.Add($"'{gpu.Address}' is a {family} GPU and its reset_method is unknown (kernel older than 5.15?): vendor-reset cannot be selected.");
            return;
        }

        var before = gpu.ResetMethods.Count == 0 ? "default" : string.Join(' ', gpu.ResetMethods);
        add($"reset_method of {gpu.Address} = device_specific", new(HandoffOperationKind.SetResetMethod, gpu.Address.ToString(), "device_specific"), new(HandoffOperationKind.SetResetMethod, gpu.Address.ToString(), before), t.Sysfs);
    }

    // The GPU first, then every other endpoint of its IOMMU group and of its slot (bridges stay with the host).
    private static List<PciAddress> Endpoints(HostSnapshot host, PciDevice gpu, List<string> warnings)
    {
        var members = gpu.IommuGroup is { } id && host.FindGroup(id) is { } group ? group.Devices : null;
        if (members is null)
        {
            warnings.Add($"'{gpu.Address}' is in no IOMMU group: the plan takes the functions of its slot, and QEMU will refuse to start without an IOMMU.");
            members = host.PciDevices.Where(d => d.Address.IsSameSlot(gpu.Address)).Select(d => d.Address).ToList();
        }

        // The card's other functions (its HDMI audio) go along even when the IOMMU puts them in a group of their own.
        var slot = host.PciDevices.Where(d => d.Address.IsSameSlot(gpu.Address)).Select(d => d.Address);
        return [gpu.Address, .. members.Union(slot)
            .Where(a => a != gpu.Address && host.FindDevice(a)?.Class is not ({ IsPciBridge: true } or { IsHostBridge: true }))
            .Distinct()
            .Order()];
    }
}
