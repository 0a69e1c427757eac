using System.Globalization;

namespace Lodge.Core.Catalog;

/// <summary>Says in sentences what the known attempts tell about one GPU (for doctor and query).</summary>
public static class CatalogKnowledgeText
{
    /// <summary>The headline: attempts on this GPU, board and kernel series.</summary>
    public static string Summary(CatalogKnowledge k)
    {
        ArgumentNullException.ThrowIfNull(k);
        var series = CatalogKnowledge.KernelSeries(k.Host.KernelRelease) ?? "this kernel";
        return $"{k.OnGpu.Attempts} attempt(s) known on this GPU ({k.OnGpu.Good} good, {k.OnGpu.Bad} bad); "
            + $"{k.OnBoard.Attempts} on this board ({k.OnBoard.Good} good, {k.OnBoard.Bad} bad); "
            + $"{k.OnKernel.Attempts} with kernel {series} ({k.OnKernel.Good} good, {k.OnKernel.Bad} bad).";
    }

    /// <summary>One line per separating feature, at most <paramref name="max"/>, key features (mode, reset, ROM, vendor-reset, kernel parameters) first among equals.</summary>
    public static IReadOnlyList<(string Feature, string Text)> Features(CatalogKnowledge k, int max = 5)
    {
        ArgumentNullException.ThrowIfNull(k);
        return k.Features.Take(max)
            .Select(f => (f.Feature, string.Join("; ", f.Values.Select(v => $"{v.Value}: {v.Worked}/{v.Attempts} worked ({(v.WeightedRate * 100).ToString("0", CultureInfo.InvariantCulture)}% weighted by closeness)")) + "."))
            .ToList();
    }
}
