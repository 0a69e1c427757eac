using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Machines;

/// <summary>The <c>[[usb]] controller</c> entries checked by the rule <c>lodge up</c> binds them with.</summary>
public static partial class MachineValidator
{
    // What 'lodge up' would refuse for the machine's passed controllers (ControllerHandoffPlanner: a group shared with a
    // device the machine does not pass, no IOMMU group, a disk the host uses, every keyboard of the host), in up's own
    // sentence, at the entry it is about. Entries that did not resolve have their error already.
    private static void CheckControllers(MachineConfig machine, HostSnapshot host, IReadOnlyList<DeviceAssessment> assessments, IReadOnlyList<ControllerDiskUse> disks, IReadOnlySet<int> resolved, List<Problem> problems)
    {
        var passed = PassedController.Of(machine, host, assessments);
        if (passed.Count == 0)
        {
            return;
        }

        var request = new ControllerHandoffRequest(machine.Name, [.. passed.SelectMany(p => p.Functions)], PassedController.HostKeyboardGiven(machine), disks);
        foreach (var refusal in ControllerHandoffPlanner.Refusals(host, request))
        {
            var entry = passed.FirstOrDefault(p => p.Functions.Contains(refusal.Controller)) ?? passed[0];
            if (resolved.Contains(entry.Entry))
            {
                problems.Add(Error(machine, $"usb[{entry.Entry}].controller", refusal.Code, refusal.Message, refusal.Fix));
            }
        }
    }
}
