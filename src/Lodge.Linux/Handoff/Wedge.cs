using Lodge.Core.Handoff;

namespace Lodge.Linux.Handoff;

/// <summary>The targets a kernel write never returned from during one run, and what counts as touching one of them.</summary>
/// <param name="stuck">Writes already stuck.</param>
/// <param name="touches">True when an operation would touch the target of a stuck write (<see cref="HandoffPlan.Touches"/>).</param>
public sealed class Wedge(IEnumerable<HandoffOperation> stuck, Func<HandoffOperation, HandoffOperation, bool> touches)
{
    private readonly List<HandoffOperation> _stuck = [.. stuck];

    /// <summary>The wedged targets, in the order they wedged.</summary>
    public IReadOnlyList<string> Targets => [.. _stuck.Select(s => s.Target).Distinct(StringComparer.Ordinal)];

    /// <summary>How many writes are stuck.</summary>
    public int Count => _stuck.Count;

    /// <summary>Records one more stuck write.</summary>
    public void Add(HandoffOperation write) => _stuck.Add(write);

    /// <summary>The wedged target <paramref name="operation"/> would touch; null when it touches none.</summary>
    public string? Touched(HandoffOperation operation) => _stuck.FirstOrDefault(s => touches(operation, s))?.Target;
}
