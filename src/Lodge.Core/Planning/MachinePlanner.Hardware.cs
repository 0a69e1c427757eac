using Lodge.Core.Hardware;
using Lodge.Core.Machines;

namespace Lodge.Core.Planning;

/// <summary>Stable guest hardware: the pinned machine type, and the Hyper-V enlightenments the installed QEMU has.</summary>
/// <remarks>
/// A machine without <c>machine = "..."</c> gets the plain <c>q35</c> alias, which follows QEMU upgrades (the decision
/// says how to pin it); <c>lodge new</c> pins the installed QEMU's newest <c>pc-q35-X.Y</c>. The newer Hyper-V
/// enlightenments are added only when the installed QEMU's x86 CPU has the property; one it lacks, or a QEMU that was
/// not asked, leaves it out with a warning.
/// </remarks>
public static partial class MachinePlanner
{
    /// <summary>Enlightenments beyond <see cref="Qemu.QemuArgvBuilder.HyperVFlags"/>, each added only where QEMU has it.</summary>
    public static readonly string[] NewerHyperV = ["hv-tlbflush", "hv-ipi", "hv-stimer-direct"];

    private static string PlanMachineType(MachineConfig machine, HostSnapshot host, List<PlanDecision> decisions)
    {
        if (machine.MachineType is { } pinned)
        {
            decisions.Add(new("machine", pinned, "The machine pins this QEMU machine type, so Windows activation and device names survive a QEMU upgrade."));
            return pinned;
        }

        var newest = host.Tools.QemuCaps?.NewestQ35;
        decisions.Add(new("machine", "q35", newest is null
            ? "The machine pins no machine type, so it follows the installed QEMU's newest q35; pin one with machine = \"pc-q35-X.Y\"."
            : $"The machine pins no machine type, so it follows the installed QEMU's newest q35; add machine = \"{newest}\" to keep this hardware across QEMU upgrades."));
        return "q35";
    }

    private static IReadOnlyList<string> PlanHyperV(MachineConfig machine, HostSnapshot host, List<PlanDecision> decisions, List<string> warnings)
    {
        if (machine.Os is not (GuestOs.Windows10 or GuestOs.Windows11))
        {
            return [];
        }

        var caps = host.Tools.QemuCaps;
        var have = NewerHyperV.Where(f => caps?.HasCpuProperty(f) == true).ToList();
        var missing = NewerHyperV.Except(have).ToList();
        if (missing.Count > 0)
        {
            warnings.Add(caps is null
                ? $"QEMU was not asked which Hyper-V enlightenments it has, so {string.Join(", ", missing)} are left out."
                : $"The installed QEMU lacks {string.Join(", ", missing)}, so the guest goes without them.");
        }

        decisions.Add(new("hyper-v", have.Count == 0 ? "the base set" : "the base set + " + string.Join(", ", have), missing.Count == 0
            ? "The installed QEMU has every newer enlightenment: TLB flushes and IPIs by hypercall, and direct synthetic timers."
            : caps is null
                ? "QEMU was not asked which newer enlightenments it has, so only the base set is used."
                : $"The installed QEMU lacks {string.Join(", ", missing)}, so only what it has is used."));
        return have;
    }
}
