using Lodge.App.Machines;
using Lodge.Core.Passthrough;

namespace Lodge.App.Handoff;

/// <summary>The check before a dry run or a simulation (issue 13, item 8).</summary>
public sealed partial class HandoffService
{
    /// <summary>What <c>lodge check</c> refuses in <paramref name="machine"/>, which a dry run or a simulation must refuse the
    /// same way rather than show a handoff that never runs; null when nothing stops it. A simulation of the running
    /// system (no <c>--root</c>) is refused first by the simulation itself, so it is not checked here.</summary>
    public MachineCheck? RefusalBeforePlan(string machine, bool simulate)
    {
        if (simulate && _lodge.Root.IsSystemRoot)
        {
            return null;
        }

        var check = new MachineService(_lodge).Check(machine);
        return check.Problems.Any(p => p.Severity == Severity.Error) ? check : null;
    }
}
