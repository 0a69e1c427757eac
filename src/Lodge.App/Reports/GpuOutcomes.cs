using Lodge.Core.Reports;

namespace Lodge.App.Reports;

/// <summary>What was tried on one GPU model: the attempts shown, best first, with the features that made the difference.</summary>
/// <param name="Gpu">The GPU asked about, as given.</param>
/// <param name="Ranked">The attempts shown (the best <see cref="ReportQueryRequest.Shown"/>, or all) and the differences over every match.</param>
/// <param name="Attempts">How many attempts match in all.</param>
/// <param name="Worked">How many of them worked (and were not rated bad).</param>
public sealed record GpuOutcomes(string Gpu, ReportQueryResult Ranked, int Attempts, int Worked);
