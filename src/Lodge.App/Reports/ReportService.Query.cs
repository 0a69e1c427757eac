using Lodge.App.Host;
using Lodge.Core.Catalog;
using Lodge.Core.Reports;

namespace Lodge.App.Reports;

/// <summary>The query of <c>lodge report query</c>.</summary>
public sealed partial class ReportService
{
    /// <summary>What was tried on the GPU <paramref name="request"/> names (counted in SQL, only the best read whole: the
    /// catalog may hold 100,000 reports), or, without one, on each GPU of the host below the root.</summary>
    public ReportQueryAnswer Query(ReportQueryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var store = _lodge.OpenReports();
        if (request.Gpu is { } id)
        {
            var summary = store.Summarise(id, null, request.Board, request.Os, request.All ? int.MaxValue : ReportQueryRequest.Shown);
            return new ReportQueryAnswer(new GpuOutcomes(id, ReportQuery.From(summary), summary.Attempts, summary.Good), []);
        }

        var (host, assessments) = new HostService(_lodge).Scan();
        var known = assessments
            .Where(a => a.Device.Class is { IsGpu: true } && a.Device.VendorId is not null && a.Device.DeviceId is not null)
            .Select(a =>
            {
                var question = CatalogHost.Of(host, a.Device);
                return new HostGpuKnowledge(a.Device.Address.ToString(), CatalogKnowledge.For(question, store.Summarise(CatalogKnowledge.GpuKey(question), question, best: 0).Groups));
            })
            .ToList();
        return new ReportQueryAnswer(null, known);
    }
}
