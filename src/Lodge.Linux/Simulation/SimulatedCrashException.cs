namespace Lodge.Linux.Simulation;

/// <summary>Stands for the process dying in a simulation: nothing catches it on the way out, so no undo runs.</summary>
public sealed class SimulatedCrashException(string message) : Exception(message);
