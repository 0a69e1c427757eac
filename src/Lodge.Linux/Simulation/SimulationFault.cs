namespace Lodge.Linux.Simulation;

/// <summary>A fault injected at one plan step of a simulated handoff: <c>--fail-at N</c>, <c>--hang-at N</c> or <c>--crash-at N</c>.</summary>
/// <param name="Kind"><c>fail</c>: the step's write is refused; <c>hang</c>: it never returns; <c>crash</c>: the executor is abandoned after it, then rescue runs.</param>
public sealed record SimulationFault(string Kind, int Step)
{
    /// <summary>The fault kinds.</summary>
    public const string Fail = "fail", Hang = "hang", Crash = "crash";
}
