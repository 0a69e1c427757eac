using System.Text.RegularExpressions;
using Lodge.Core.Reports;

namespace Lodge.Core.Catalog;

/// <summary>Where a report sits in a catalog: <c>gpu/VVVV-DDDD/&lt;id&gt;.json</c> (<c>gpu/none/</c> without a GPU).</summary>
public static partial class CatalogPath
{
    /// <summary>The folder of reports without a GPU.</summary>
    public const string NoGpu = "none";

    /// <summary>The folder name for a report's GPU: vendor-device of its vendor:device[:sub...] id.</summary>
    public static string GpuFolder(string? gpu)
    {
        if (gpu is null || !GpuId().IsMatch(gpu))
        {
            return NoGpu;
        }

        return gpu[..4] + "-" + gpu[5..9];
    }

    /// <summary>The relative path of a report with id <paramref name="id"/>.</summary>
    public static string For(OutcomeReport report, string id)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"gpu/{GpuFolder(report.Hardware.Gpu)}/{id}.json";
    }

    /// <summary>Splits a relative path into its GPU folder and id; false for anything but a plain report path (no
    /// <c>..</c>, no extra folders, no odd characters, a 64-hex id).</summary>
    public static bool TryParse(string relative, out string gpuFolder, out string id)
    {
        gpuFolder = string.Empty;
        id = string.Empty;
        var m = ReportPathPattern().Match(relative ?? string.Empty);
        if (!m.Success)
        {
            return false;
        }

        gpuFolder = m.Groups[1].Value;
        id = m.Groups[2].Value;
        return true;
    }

    /// <summary>True for a path under <c>gpu/</c>: a candidate report (well named or not).</summary>
    public static bool IsUnderReports(string relative) => relative.StartsWith("gpu/", StringComparison.Ordinal);

    [GeneratedRegex("^[0-9a-f]{4}:[0-9a-f]{4}(:[0-9a-f]{4}:[0-9a-f]{4})?$", RegexOptions.CultureInvariant)]
    private static partial Regex GpuId();

    [GeneratedRegex(@"\Agpu/([0-9a-f]{4}-[0-9a-f]{4}|none)/([0-9a-f]{64})\.json\z", RegexOptions.CultureInvariant)]
    private static partial Regex ReportPathPattern();
}
