using Lodge.Core.Reports;

namespace Lodge.Core.Catalog;

/// <summary>What the known attempts say about one GPU of this host: counts on this GPU, this board and this kernel
/// series, and the features that separate good from bad, weighted by hardware closeness.</summary>
/// <param name="Host">The GPU and hardware asked about.</param>
/// <param name="OnGpu">Attempts on the same vendor:device.</param>
/// <param name="OnBoard">Of those, attempts on the same board (vendor and model).</param>
/// <param name="OnKernel">Of those, attempts with the same kernel series (major.minor).</param>
/// <param name="Features">Features whose values made a difference, the widest spread first.</param>
public sealed record CatalogKnowledge(CatalogHost Host, CatalogTally OnGpu, CatalogTally OnBoard, CatalogTally OnKernel, IReadOnlyList<WeightedFeature> Features)
{
    /// <summary>The features named first when they separate outcomes: mode, reset method, ROM file, vendor-reset, kernel parameters.</summary>
    public static readonly IReadOnlyList<string> KeyFeatures = ["gpu-mode", "reset-method", "rom", "vendor-reset", "kernel-params"];

    /// <summary>Summarises <paramref name="reports"/> (any set; those of other GPUs are ignored) for <paramref name="host"/>.</summary>
    public static CatalogKnowledge For(CatalogHost host, IEnumerable<OutcomeReport> reports)
    {
        ArgumentNullException.ThrowIfNull(host);
        return For(host, OutcomeSummary.Of(reports, GpuKey(host), host, best: 0).Groups);
    }

    /// <summary>Summarises counted groups of attempts on <paramref name="host"/>'s GPU model (see
    /// <see cref="OutcomeSummary"/>, closeness measured against <paramref name="host"/>).</summary>
    public static CatalogKnowledge For(CatalogHost host, IReadOnlyList<OutcomeGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(groups);
        return new CatalogKnowledge(host, Tally(groups), Tally(groups.Where(g => g.SameBoard)), Tally(groups.Where(g => g.SameKernelSeries)), Differences(groups));
    }

    /// <summary>The GPU model a question is about: vendor:device.</summary>
    public static string GpuKey(CatalogHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Gpu.Length >= 9 ? host.Gpu[..9] : host.Gpu;
    }

    /// <summary>How close a reporter's hardware is to this host: 1 for the same GPU model, plus 2 for the same board,
    /// 1 for the same kernel series, 1 for the same GPU card (subsystem ids), 0.5 for the same CPU model.</summary>
    public static double Closeness(CatalogHost host, OutcomeReport r)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(r);
        var weight = 1.0;
        if (SameBoard(host, r))
        {
            weight += 2;
        }

        if (KernelSeries(host.KernelRelease) is { } s && KernelSeries(r.Versions.Kernel) == s)
        {
            weight += 1;
        }

        if (host.Gpu.Length > 9 && string.Equals(r.Hardware.Gpu, host.Gpu, StringComparison.Ordinal))
        {
            weight += 1;
        }

        if (host.CpuModel is not null && string.Equals(r.Hardware.CpuModel, host.CpuModel, StringComparison.Ordinal))
        {
            weight += 0.5;
        }

        return weight;
    }

    /// <summary>major.minor of a kernel release ("6.8.0-45-generic" → "6.8"), or null.</summary>
    public static string? KernelSeries(string? release)
    {
        if (release is null)
        {
            return null;
        }

        var parts = release.Split('.', 3);
        if (parts.Length < 2 || !parts[0].All(char.IsAsciiDigit) || parts[0].Length == 0)
        {
            return null;
        }

        var minor = new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray());
        return minor.Length == 0 ? null : $"{parts[0]}.{minor}";
    }

    /// <summary>True when the report's board (vendor and model, case-insensitive) is the host's.</summary>
    public static bool SameBoard(CatalogHost host, OutcomeReport r) =>
        host.BoardModel is not null && string.Equals(r.Hardware.BoardModel, host.BoardModel, StringComparison.OrdinalIgnoreCase)
        && string.Equals(r.Hardware.BoardVendor, host.BoardVendor, StringComparison.OrdinalIgnoreCase);

    private static CatalogTally Tally(IEnumerable<OutcomeGroup> groups)
    {
        var list = groups.ToList();
        var good = list.Where(g => g.Good).Sum(g => g.Count);
        return new CatalogTally(good, list.Sum(g => g.Count) - good);
    }

    private static List<WeightedFeature> Differences(IReadOnlyList<OutcomeGroup> groups)
    {
        var result = new List<WeightedFeature>();
        foreach (var key in groups.SelectMany(g => g.Features.Keys).Distinct(StringComparer.Ordinal))
        {
            var values = groups
                .GroupBy(g => g.Features.TryGetValue(key, out var v) ? v : "(unset)", StringComparer.Ordinal)
                .Select(v => new WeightedFeatureValue(v.Key, v.Sum(x => x.Count), v.Where(x => x.Good).Sum(x => x.Count), v.Sum(x => x.Good ? x.Weight * x.Count : 0) / v.Sum(x => x.Weight * x.Count)))
                .OrderByDescending(v => v.WeightedRate)
                .ThenBy(v => v.Value, StringComparer.Ordinal)
                .ToList();
            if (values.Count >= 2 && values[0].WeightedRate - values[^1].WeightedRate > 0)
            {
                result.Add(new WeightedFeature(key, values[0].WeightedRate - values[^1].WeightedRate, values));
            }
        }

        return result
            .OrderByDescending(f => f.Spread)
            .ThenBy(f => KeyFeatures.Contains(f.Feature) ? 0 : 1)
            .ThenBy(f => f.Feature, StringComparer.Ordinal)
            .ToList();
    }
}
