using Lodge.Core.Catalog;
using Lodge.Core.Doctor;
using Lodge.Core.Hardware;
using Lodge.Core.Passthrough;

namespace Lodge.Core.Reports;

/// <summary>The doctor's "Known outcomes" section: what was recorded for this host's GPUs.</summary>
public static class KnownOutcomes
{
    /// <summary>One check per GPU with the attempts recorded for its vendor:device, and the features that made the difference.</summary>
    /// <remarks>With <paramref name="host"/>, each GPU also says what the known attempts (local and pulled from a
    /// catalog) tell: counts on this GPU, board and kernel series, and the features that separate good from bad,
    /// weighted by hardware closeness. <paramref name="reports"/> may be the reports of these GPUs only.</remarks>
    public static DoctorSection Section(IReadOnlyList<DeviceAssessment> gpus, IReadOnlyList<OutcomeReport> reports, HostSnapshot? host = null)
    {
        var checks = new List<DoctorCheck>();
        foreach (var gpu in gpus)
        {
            var d = gpu.Device;
            if (d.VendorId is null || d.DeviceId is null)
            {
                continue;
            }

            var id = $"{d.VendorId:x4}:{d.DeviceId:x4}";
            var result = ReportQuery.Run(reports, id);
            if (result.Reports.Count == 0)
            {
                checks.Add(new DoctorCheck(CheckStatus.Info, $"{d.Address} [{id}]", "No attempt on this GPU is recorded yet."));
                continue;
            }

            var worked = result.Reports.Count(r => r.Result.Succeeded && r.Rating is not { Good: false });
            var best = result.Reports[0];
            var features = string.Join(", ", best.Guest.Features.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
            var details = new List<DoctorCheck>();
            if (host is not null)
            {
                var knowledge = CatalogKnowledge.For(CatalogHost.Of(host, d), result.Reports);
                details.Add(new DoctorCheck(CheckStatus.Info, "known attempts", CatalogKnowledgeText.Summary(knowledge)));
                details.AddRange(CatalogKnowledgeText.Features(knowledge, 3).Select(f => new DoctorCheck(CheckStatus.Info, f.Feature, f.Text)));
            }
            else
            {
                details.AddRange(result.Differences.Take(3)
                    .Select(diff => new DoctorCheck(CheckStatus.Info, diff.Feature, string.Join("; ", diff.Values.Select(v => $"{v.Value}: {v.Worked}/{v.Attempts} worked")) + ".")));
            }
            checks.Add(new DoctorCheck(worked > 0 ? CheckStatus.Ok : CheckStatus.Warning, $"{d.Address} [{id}]", $"{result.Reports.Count} attempt(s) recorded, {worked} worked; the best used {best.Guest.Os} with {features}.", $"Run 'lodge report query --gpu {id}' for every attempt.") { Details = details });
        }

        return new DoctorSection("Known outcomes", checks);
    }
}
