using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Core.Planning;

/// <summary><c>[cpu] isolate = true</c>: the host's own work moves off the guest's CPUs while it runs.</summary>
public static partial class MachinePlanner
{
    /// <summary>The systemd units whose <c>AllowedCPUs</c> isolation narrows: everything the host runs outside the guest.</summary>
    public static readonly IReadOnlyList<string> IsolatedUnits = ["system.slice", "user.slice", "init.scope"];

    private static IReadOnlyList<int> PlanIsolation(MachineConfig machine, CpuTopology topology, IReadOnlyList<int> pins, List<PlanDecision> decisions)
    {
        if (!machine.Cpu.Isolate)
        {
            return [];
        }

        var housekeeping = topology.Cpus.Select(c => c.Id).Where(c => !pins.Contains(c)).Order().ToList();
        if (pins.Count == 0 || housekeeping.Count == 0)
        {
            decisions.Add(new("isolation", "none", pins.Count == 0
                ? "The vCPUs are not pinned, so there are no guest CPUs to keep the host's work off."
                : "The vCPUs take every host CPU, so none is left for the host's own work."));
            return [];
        }

        decisions.Add(new("isolation", $"{string.Join(", ", IsolatedUnits)} on CPUs {Format(housekeeping)} while the guest runs",
            "systemd's AllowedCPUs (runtime, over D-Bus) keeps the host's services and sessions off the vCPUs' CPUs, journaled first and undone at stop, by 'lodge rescue' and at boot."));
        return housekeeping;
    }
}
