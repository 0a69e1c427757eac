using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Core.Handoff;

/// <summary>The ordered steps that give a GPU (and every endpoint of its IOMMU group) to a guest; the way back is their undos in reverse.</summary>
/// <param name="Endpoints">The functions bound to vfio-pci for the guest: the GPU first, then its group's other endpoints.</param>
/// <param name="OriginalDrivers">Each endpoint's driver before the handoff (null: none), what the way back restores.</param>
/// <param name="Refusals">Why the plan must not run (a held GPU, a missing device); empty when it may.</param>
/// <param name="Warnings">Facts the user should know (no vendor-reset for a reset-bug GPU, a builtin driver that stays).</param>
public sealed record HandoffPlan(
    string Guest,
    PciAddress Gpu,
    GpuMode Mode,
    IReadOnlyList<PciAddress> Endpoints,
    IReadOnlyDictionary<PciAddress, string?> OriginalDrivers,
    IReadOnlyList<HandoffStep> Steps,
    IReadOnlyList<string> Refusals,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Each PCI driver's module as the kernel links it (<see cref="KernelInfo.DriverModules"/>), for <see cref="Touches"/>.</summary>
    public IReadOnlyDictionary<string, string> DriverModules { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Each loaded module's users as <c>/proc/modules</c> lists them at plan time (modules that need it), for <see cref="Touches"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ModuleUsers { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>True when nothing stops the plan from running.</summary>
    public bool CanRun => Refusals.Count == 0;

    /// <summary>The step with this 1-based index.</summary>
    public HandoffStep Step(int index) => Steps[index - 1];

    /// <summary>True when <paramref name="operation"/> would touch the target of <paramref name="wedged"/>, a write that never returned.</summary>
    /// <remarks>
    /// The stuck write holds the device's lock, so everything that takes it blocks too: a write to the same target; a
    /// load or unload of the device's own driver stack (the kernel locks each device its driver matches or releases);
    /// and a load or unload of vfio_pci once the stuck write was one that gives the device to vfio-pci. A module load or
    /// unload that never returned (the module's init or exit stuck in the kernel) holds the devices its driver binds or
    /// releases, and every module that needs it waits for it: a write to a device whose driver that module is, and a
    /// load or unload of a module that uses it (<see cref="ModuleUsers"/>), touch it.
    /// </remarks>
    public bool Touches(HandoffOperation operation, HandoffOperation wedged)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(wedged);
        if (operation.Target == wedged.Target)
        {
            return true;
        }

        if (wedged.Kind is HandoffOperationKind.LoadModule or HandoffOperationKind.UnloadModule)
        {
            return TouchesModule(operation, wedged.Target);
        }

        if (operation.Kind is not (HandoffOperationKind.LoadModule or HandoffOperationKind.UnloadModule)
            || !PciAddress.TryParse(wedged.Target, out var device) || !Endpoints.Contains(device))
        {
            return false;
        }

        // Once driver_override is vfio-pci (the probe and the unbind from vfio-pci come after that write finished, and
        // its undo never runs past the wedge), the device's own driver no longer matches it, so its reload keeps away.
        var overridden = wedged.Kind == HandoffOperationKind.ProbeDrivers || (wedged.Kind == HandoffOperationKind.Unbind && wedged.Value == "vfio-pci");
        var towardsVfio = overridden || wedged.Kind == HandoffOperationKind.SetDriverOverride;
        return (operation.Target == "vfio_pci" && towardsVfio)
            || (!overridden && OriginalDrivers.GetValueOrDefault(device) is { } driver && HandoffPlanner.ModulesOf(driver, DriverModules).Contains(operation.Target, StringComparer.Ordinal));
    }

    // A stuck module load or unload: the devices its driver had (their lock is held by driver_register/driver_unregister),
    // and the modules that need it (their load waits for the module to finish going; their unload would leave it alone).
    private bool TouchesModule(HandoffOperation operation, string module)
    {
        if (PciAddress.TryParse(operation.Target, out var device))
        {
            return OriginalDrivers.GetValueOrDefault(device) is { } driver && DriverModules.GetValueOrDefault(driver, driver.Replace('-', '_')) == module;
        }

        if (operation.Kind is not (HandoffOperationKind.LoadModule or HandoffOperationKind.UnloadModule))
        {
            return false;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([module]);
        while (queue.TryDequeue(out var used))
        {
            foreach (var user in ModuleUsers.GetValueOrDefault(used, []).Where(seen.Add))
            {
                if (user == operation.Target)
                {
                    return true;
                }

                queue.Enqueue(user);
            }
        }

        return false;
    }
}
