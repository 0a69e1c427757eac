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
        ArgumentNullException.ThrowIfNull(reports);
        return Section(gpus, (gpu, closeTo) => OutcomeSummary.Of(reports, gpu, closeTo, best: 1), host);
    }

    /// <summary>The same from summaries: <paramref name="summarise"/> answers for a vendor:device (and the host the
    /// closeness is measured against, or null) with at least the best attempt; the database counts the rest in SQL.</summary>
    public static DoctorSection Section(IReadOnlyList<DeviceAssessment> gpus, Func<string, CatalogHost?, OutcomeSummary> summarise, HostSnapshot? host = null)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        ArgumentNullException.ThrowIfNull(summarise);
        var checks = new List<DoctorCheck>();
        foreach (var gpu in gpus)
        {
            var d = gpu.Device;
            if (d.VendorId is null || d.DeviceId is null)
            {
                continue;
            }

            var id = $"{d.VendorId:x4}:{d.DeviceId:x4}";
            var question = host is null ? null : CatalogHost.Of(host, d);
            var summary = summarise(id, question);
            if (summary.Attempts == 0 || summary.Best.Count == 0)
            {
                checks.Add(new DoctorCheck(CheckStatus.Info, $"{d.Address} [{id}]", "No attempt on this GPU is recorded yet."));
                continue;
            }

            var worked = summary.Good;
            var best = summary.Best[0];
            var features = string.Join(", ", best.Guest.Features.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
            var details = new List<DoctorCheck>();
            if (question is not null)
            {
                var knowledge = CatalogKnowledge.For(question, summary.Groups);
                details.Add(new DoctorCheck(CheckStatus.Info, "known attempts", CatalogKnowledgeText.Summary(knowledge)));
                details.AddRange(CatalogKnowledgeText.Features(knowledge, 3).Select(f => new DoctorCheck(CheckStatus.Info, f.Feature, f.Text)));
            }
            else
            {
                details.AddRange(ReportQuery.Differences(summary.Groups).Take(3)
                    .Select(diff => new DoctorCheck(CheckStatus.Info, diff.Feature, string.Join("; ", diff.Values.Select(v => $"{v.Value}: {v.Worked}/{v.Attempts} worked")) + ".")));
            }
            checks.Add(new DoctorCheck(worked > 0 ? CheckStatus.Ok : CheckStatus.Warning, $"{d.Address} [{id}]", $"{summary.Attempts} attempt(s) recorded, {worked} worked; the best used {best.Guest.Os} with {features}.", $"Run 'lodge report query --gpu {id}' for every attempt.") { Details = details });
        }

        if (gpus.Count == 0)
        {
            checks.Add(new DoctorCheck(CheckStatus.Info, "GPUs", "This host has no display device, so no outcome is recorded for it; outcomes are kept per GPU."));
        }

        return new DoctorSection("Known outcomes", checks);
    }
}
