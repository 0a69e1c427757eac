using Lodge.Core.Privacy;

namespace Lodge.Core.Reports;

/// <summary>Makes a report safe to share: no machine name, and every free text scrubbed of serial numbers, UUIDs,
/// MAC and IP addresses, host names, user names and home paths.</summary>
public static class ReportPrivacy
{
    /// <summary>The shareable form of a report. <paramref name="secrets"/> are this host's names (host name, user names, serials).</summary>
    /// <param name="runRoots">Run and state folders (LODGE_RUN_DIR, LODGE_STATE_DIR) to show as the default
    /// <c>/run/lodge</c> and <c>/var/lib/lodge</c> in texts, since a moved one names a person's folders.</param>
    public static OutcomeReport Filter(OutcomeReport report, IEnumerable<string> secrets, IEnumerable<(string Root, string Shown)>? runRoots = null)
    {
        ArgumentNullException.ThrowIfNull(report);

        // The machine's name is the user's word for it, and error texts quote it ("Guest 'bobs-vm' crashed", its run folder).
        var filter = new PrivacyFilter(report.Machine is { } machine ? secrets.Append(machine) : secrets);
        var roots = (runRoots ?? []).Where(r => r.Root.Length > 1 && r.Root != r.Shown).OrderByDescending(r => r.Root.Length).ToList();
        string? Clean(string? text) => text is null ? null : filter.ScrubText(text);
        string? Note(string? text)
        {
            if (text is null)
            {
                return null;
            }

            foreach (var (root, shown) in roots)
            {
                text = text.Replace(root.TrimEnd('/') + "/", shown + "/", StringComparison.Ordinal);
            }

            return filter.ScrubNote(text);
        }

        var h = report.Hardware;
        return report with
        {
            Id = 0,
            Machine = null,
            RecordedAt = new DateTimeOffset(report.RecordedAt.UtcDateTime.Date, TimeSpan.Zero),
            Hardware = new ReportHardware(Clean(h.CpuModel), Clean(h.BoardVendor), Clean(h.BoardModel), Clean(h.BiosVersion), h.Gpu, Clean(h.GpuName), Clean(h.VbiosVersion), h.UsbControllers),
            Versions = new ReportVersions(Clean(report.Versions.Kernel), Clean(report.Versions.Qemu)),
            Guest = new ReportGuest(report.Guest.Os, report.Guest.Features.ToDictionary(kv => kv.Key, kv => filter.ScrubText(kv.Value), StringComparer.Ordinal)),
            Result = report.Result with { FailedStep = Clean(report.Result.FailedStep), Error = Note(report.Result.Error) },
            Rating = report.Rating is { } r ? r with { Note = Note(r.Note) } : null,
        };
    }
}
