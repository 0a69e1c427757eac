namespace Lodge.Core.Reports;

/// <summary>One recorded attempt: the hardware, the versions, the guest's configuration features, what happened, and the user's verdict.</summary>
/// <param name="Id">Local database id (0 before it is stored).</param>
/// <param name="Origin">"local" for attempts on this host, "imported" for reports made elsewhere.</param>
/// <param name="RecordedAt">When the attempt happened (UTC, to the second).</param>
/// <param name="Machine">The local machine name; never exported.</param>
public sealed record OutcomeReport(
    long Id,
    string Origin,
    string? Machine,
    DateTimeOffset RecordedAt,
    ReportHardware Hardware,
    ReportVersions Versions,
    ReportGuest Guest,
    ReportResult Result,
    ReportRating? Rating)
{
    /// <summary>Where an imported report came from (a catalog's URL or folder); null for local attempts and file imports.</summary>
    public string? Source { get; init; }
}
