using Lodge.Core.Machines;
using Lodge.Core.Setup;

namespace Lodge.App.Setup;

/// <summary>What <c>lodge setup</c> would change for some machines: the plan (diffs, commands, or an error) and the machines it is for.</summary>
/// <param name="Plan">The changes, as diffs and commands.</param>
/// <param name="Machines">The machines the host is set up for (every machine when none was named).</param>
public sealed record SetupPreview(SetupPlan Plan, IReadOnlyList<MachineConfig> Machines);
