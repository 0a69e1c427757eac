namespace Lodge.App.Reports;

/// <summary>The answer to a <see cref="ReportQueryRequest"/>: <see cref="ForGpu"/> when a GPU was named, else
/// <see cref="ForHost"/> (one entry per GPU of the host, none when it has no GPU).</summary>
/// <param name="ForGpu">The ranked attempts on the named GPU; null when none was named.</param>
/// <param name="ForHost">What the known attempts say about each of this host's GPUs; empty when a GPU was named.</param>
public sealed record ReportQueryAnswer(GpuOutcomes? ForGpu, IReadOnlyList<HostGpuKnowledge> ForHost);
