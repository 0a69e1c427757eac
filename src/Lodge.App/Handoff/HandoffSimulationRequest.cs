using Lodge.Linux.Simulation;

namespace Lodge.App.Handoff;

/// <summary><c>lodge gpu handoff NAME --simulate</c>: the whole handoff against a copy of the host tree.</summary>
/// <param name="Machine">The machine whose GPU is handed off.</param>
/// <param name="Fault">The one fault to inject (a refused, hung or crashed step), or null.</param>
public sealed record HandoffSimulationRequest(string Machine, SimulationFault? Fault);
