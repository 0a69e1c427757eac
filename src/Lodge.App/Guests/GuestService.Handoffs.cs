using Lodge.App.Handoff;

namespace Lodge.App.Guests;

/// <summary>The handoffs lodge supervises, for <c>lodge status</c>.</summary>
public sealed partial class GuestService
{
    /// <summary>The handoff of <paramref name="machine"/>, or of every machine with a phase file in the run root, in name order.</summary>
    public IReadOnlyList<HandoffStatus> Handoffs(string? machine)
    {
        var roots = Runtime.Store.Roots;
        var machines = machine is not null ? [machine]
            : Directory.Exists(roots.RunRoot) ? Directory.EnumerateDirectories(roots.RunRoot).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
        var found = new List<HandoffStatus>();
        foreach (var m in machines)
        {
            if (new HandoffPhaseFile(roots, m).Read() is { } phase)
            {
                found.Add(new HandoffStatus(m, phase, phase.Phase != HandoffPhaseFile.Ended && HandoffPhaseFile.SupervisorAlive(phase)));
            }
        }

        return found;
    }
}
