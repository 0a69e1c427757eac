using Lodge.Core.Privacy;

namespace Lodge.Core.Reports;

/// <summary>Makes a report safe to share: no machine name, and every free text scrubbed of serial numbers, UUIDs,
/// MAC and IP addresses, host names, user names and home paths.</summary>
public static class ReportPrivacy
{
    /// <summary>The shareable form of a report. <paramref name="secrets"/> are this host's names (host name, user names, serials).</summary>
    public static OutcomeReport Filter(OutcomeReport report, IEnumerable<string> secrets)
    {
        var filter = new PrivacyFilter(secrets);
        string? Clean(string? text) => text is null ? null : filter.ScrubText(text);
        var h = report.Hardware;
        return report with
        {
            Id = 0,
            Machine = null,
            RecordedAt = new DateTimeOffset(report.RecordedAt.UtcDateTime.Date, TimeSpan.Zero),
            Hardware = new ReportHardware(Clean(h.CpuModel), Clean(h.BoardVendor), Clean(h.BoardModel), Clean(h.BiosVersion), h.Gpu, Clean(h.GpuName), Clean(h.VbiosVersion), h.UsbControllers),
            Versions = new ReportVersions(Clean(report.Versions.Kernel), Clean(report.Versions.Qemu)),
            Guest = new ReportGuest(report.Guest.Os, report.Guest.Features.ToDictionary(kv => kv.Key, kv => filter.ScrubText(kv.Value), StringComparer.Ordinal)),
            Result = report.Result with { FailedStep = Clean(report.Result.FailedStep), Error = Clean(report.Result.Error) },
            Rating = report.Rating is { } r ? r with { Note = Clean(r.Note) } : null,
        };
    }
}
