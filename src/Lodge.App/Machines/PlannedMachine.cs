using Lodge.Core.Hardware;
using Lodge.Core.Planning;

namespace Lodge.App.Machines;

/// <summary>A machine planned against a host: what <c>plan</c>, <c>args</c>, <c>export</c> and <c>up</c> start from.</summary>
/// <param name="Plan">The plan (with the machine's stable UUID).</param>
/// <param name="Host">The host snapshot it was planned against.</param>
public sealed record PlannedMachine(MachinePlan Plan, HostSnapshot Host);
