namespace Lodge.Core.Hardware;

/// <summary>Online logical CPUs and how they share cores, packages and L3 caches.</summary>
public sealed record CpuTopology
{
    /// <summary>Logical CPUs that are online; empty when unknown.</summary>
    public IReadOnlyList<LogicalCpu> Cpus { get; init; } = [];

    public int Packages => Cpus.Select(c => c.Package ?? 0).Distinct().Count();

    public int Cores => Cpus.Select(c => (c.Package ?? 0, c.Die ?? 0, c.Core ?? c.Id)).Distinct().Count();

    /// <summary>The distinct L3 domains (each a sorted CPU list); empty when unknown.</summary>
    public IReadOnlyList<IReadOnlyList<int>> L3Domains =>
        Cpus.Where(c => c.L3SharedWith is { Count: > 0 })
            .Select(c => c.L3SharedWith!)
            .DistinctBy(l => string.Join(',', l))
            .OrderBy(l => l[0])
            .ToList();

    public bool IsHybrid => Cpus.Any(c => c.CoreType is CpuCoreType.Efficiency);
}
