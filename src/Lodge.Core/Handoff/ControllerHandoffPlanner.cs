using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Core.Handoff;

/// <summary>Plans how whole PCI controllers (<c>[[usb]] controller</c>) go to vfio-pci before the guest's QEMU starts, for
/// every machine, whatever its GPU mode. Pure: no I/O.</summary>
/// <remarks>
/// The steps are the handoff's binding steps (<see cref="HandoffPlanner"/>): load vfio-pci and the vfio IOMMU backend
/// when they are not loaded, unbind each function from its driver, <c>driver_override</c> = vfio-pci, <c>drivers_probe</c>.
/// The way back is their undos in reverse: unbind from vfio-pci, clear the override, probe (the original driver, such as
/// xhci_hcd, binds again), unload what the plan loaded. There is no guest step: the runtime binds right before QEMU
/// starts and gives back once QEMU is gone. A function already on vfio-pci (bound at boot by <c>lodge setup</c>) is left
/// as it is. The plan refuses (nothing is touched) when:
/// <list type="bullet">
/// <item>a controller is not on this host, or is in no IOMMU group (vfio-pci cannot give it to a guest);</item>
/// <item>its IOMMU group holds an endpoint the machine does not pass too (the kernel gives a group to a guest only whole,
/// and the other device would be taken from the host);</item>
/// <item>a disk behind it is in use by the host (mounted, swap, a volume): the host would lose the file system under it,
/// so no confirmation overrides this;</item>
/// <item>every keyboard of the host is behind the passed controllers and the machine does not say
/// <c>host_keyboard = true</c>: the host would have no keyboard while the guest runs.</item>
/// </list>
/// </remarks>
public static class ControllerHandoffPlanner
{
    private const string VfioPci = "vfio-pci";

    /// <summary>Plans the binding; a plan that must not run carries its <see cref="HandoffPlan.Refusals"/>. Its
    /// <see cref="HandoffPlan.Gpu"/> is the first controller and its mode <see cref="GpuMode.None"/>.</summary>
    public static HandoffPlan Plan(HostSnapshot host, ControllerHandoffRequest request)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        var warnings = new List<string>();
        var refusals = Check(host, request, warnings);
        var steps = new List<HandoffStep>();
        var t = request.Timeouts;
        var devices = request.Devices.Distinct().ToList();
        var first = devices.Count > 0 ? devices[0] : default;
        var present = devices.Select(host.FindDevice).OfType<PciDevice>().ToList();
        var originals = present.ToDictionary(d => d.Address, d => d.Driver);
        var moving = present.Where(d => d.Driver != VfioPci).Select(d => d.Address).ToList();
        foreach (var address in present.Where(d => d.Driver == VfioPci).Select(d => d.Address))
        {
            warnings.Add($"'{address}' is on vfio-pci already (bound at boot?): it is left as it is, before and after the guest.");
        }

        void Add(string name, HandoffOperation @do, HandoffOperation undo, TimeSpan timeout) =>
            steps.Add(new HandoffStep(steps.Count + 1, name, @do, undo, timeout));

        if (moving.Count > 0)
        {
            HandoffPlanner.AddVfioModules(host, Add, t);
        }

        foreach (var address in moving.Where(a => originals[a] is not null))
        {
            var driver = originals[address]!;
            Add($"unbind {address} from {driver}", new(HandoffOperationKind.Unbind, address.ToString(), driver), new(HandoffOperationKind.ProbeDrivers, address.ToString(), driver), t.Unbind);
        }

        foreach (var address in moving)
        {
            var before = host.FindDevice(address)?.DriverOverride;
            Add($"driver_override of {address} = vfio-pci", new(HandoffOperationKind.SetDriverOverride, address.ToString(), VfioPci), new(HandoffOperationKind.SetDriverOverride, address.ToString(), before), t.Sysfs);
        }

        foreach (var address in moving)
        {
            Add($"bind {address} to vfio-pci", new(HandoffOperationKind.ProbeDrivers, address.ToString(), VfioPci), new(HandoffOperationKind.Unbind, address.ToString(), VfioPci), t.Sysfs);
        }

        return new HandoffPlan(request.Guest, first, GpuMode.None, devices, originals, steps, [.. refusals.Select(r => r.Message)], warnings);
    }

    /// <summary>Every reason the plan of <paramref name="request"/> would refuse, with the function each is about: what
    /// <c>lodge check</c> reports for the machine's <c>[[usb]] controller</c> entries, in <c>lodge up</c>'s words.</summary>
    public static IReadOnlyList<ControllerRefusal> Refusals(HostSnapshot host, ControllerHandoffRequest request)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        return Check(host, request, []);
    }

    private static List<ControllerRefusal> Check(HostSnapshot host, ControllerHandoffRequest request, List<string> warnings)
    {
        var refusals = new List<ControllerRefusal>();
        var devices = request.Devices.Distinct().ToList();
        var present = new List<PciDevice>();
        foreach (var address in devices)
        {
            if (host.FindDevice(address) is { } device)
            {
                present.Add(device);
            }
            else
            {
                refusals.Add(new(address, "controller-missing", $"Cannot give '{address}' to the guest '{request.Guest}': there is no such PCI device on this host.", "Run 'lodge devices' to see the devices and their addresses."));
            }
        }

        foreach (var device in present)
        {
            CheckGroup(host, device, devices, request.Guest, refusals);
        }

        foreach (var use in request.DiskUses)
        {
            refusals.Add(new(use.Controller, "controller-disk-in-use", $"Cannot give '{use.Controller}' to the guest '{request.Guest}': the host's disk '{use.Disk}' hangs off it and is in use ({use.Use}); taking the controller would pull the disk from under the host.", $"Stop using '/dev/{use.Disk}' on the host (unmount it, swapoff, close its volumes) before the guest starts, or plug the disk into another controller."));
        }

        CheckKeyboards(host, devices, request, refusals, warnings);
        return refusals;
    }

    // The kernel gives an IOMMU group to a guest only whole: every endpoint in it (bridges stay) must be passed too.
    private static void CheckGroup(HostSnapshot host, PciDevice device, IReadOnlyList<PciAddress> passed, string guest, List<ControllerRefusal> refusals)
    {
        if (device.IommuGroup is not { } id || host.FindGroup(id) is not { } group)
        {
            refusals.Add(new(device.Address, "controller-no-iommu", $"Cannot give '{device.Address}' to the guest '{guest}': it is in no IOMMU group (the IOMMU is off), so vfio-pci cannot give it to a guest.", "Run 'lodge doctor' to see which kernel parameters and firmware settings are missing."));
            return;
        }

        // One sentence per controller that names every blocker of its group (not one per blocker).
        var others = group.Devices.Where(a => !passed.Contains(a)).Select(host.FindDevice).OfType<PciDevice>()
            .Where(o => o.Class is not ({ IsPciBridge: true } or { IsHostBridge: true }))
            .Select(o => $"'{o.Address}'{(o.Driver is { } d ? $" (driver '{d}')" : string.Empty)}").ToList();
        if (others.Count == 0)
        {
            return;
        }

        var held = others.Count == 1 ? others[0] : $"{string.Join(", ", others.Take(others.Count - 1))} and {others[^1]}";
        refusals.Add(new(device.Address, "controller-group", $"Cannot give '{device.Address}' to the guest '{guest}': its IOMMU group {id} also holds {held}, which the machine does not pass, and a guest can only have a whole group.", "Use a controller in an IOMMU group of its own ('lodge devices' shows the groups), or pass the group's other devices too when the host can spare them."));
    }

    private static void CheckKeyboards(HostSnapshot host, IReadOnlyList<PciAddress> passed, ControllerHandoffRequest request, List<ControllerRefusal> refusals, List<string> warnings)
    {
        var keyboards = host.InputDevices.Where(i => i.IsKeyboard).ToList();
        var leaving = keyboards.Where(k => k.Controller is { } c && passed.Contains(c)).ToList();
        if (leaving.Count == 0 || leaving.Count < keyboards.Count)
        {
            return;
        }

        var names = string.Join("', '", leaving.Select(k => k.Name).Distinct(StringComparer.Ordinal));
        var controller = leaving[0].Controller!.Value;
        if (request.HostKeyboardGiven)
        {
            warnings.Add($"The host's only keyboard ('{names}') goes to the guest '{request.Guest}' with '{controller}' (host_keyboard = true): the host has none until the guest stops.");
            return;
        }

        refusals.Add(new(controller, "controller-keyboard", $"Cannot give '{controller}' to the guest '{request.Guest}': every keyboard of the host ('{names}') hangs off it, so the host would have none while the guest runs; add host_keyboard = true to that [[usb]] entry if that is meant.", "Plug a keyboard into a port of another controller, or say host_keyboard = true in this [[usb]] entry."));
    }
}
