using Lodge.Core.Reports;
using Lodge.Linux.Runtime;

namespace Lodge.App.Guests;

/// <summary>The results a detached guest's report goes through: opened by <c>up --detach</c>, completed by its supervisor.</summary>
public static class DetachedOutcome
{
    /// <summary>Before the supervisor saw QEMU run: what stays when it never did.</summary>
    public static ReportResult Starting { get; } = new(false, false, null, "start", "The supervisor never saw the guest start.");

    /// <summary>While the guest runs; what stays when the supervisor itself is killed, so the end is not known.</summary>
    public static ReportResult Running { get; } = new(true, false, null, "run", "Still running, or its supervisor was stopped before the guest ended: the end is unknown.");

    /// <summary>The real end: a clean QEMU exit worked; anything else (a kill, a crash) failed, with how.</summary>
    public static ReportResult Ended(GuestExit exit)
    {
        ArgumentNullException.ThrowIfNull(exit);
        return exit.Clean ? new ReportResult(true, true, null, null, null) : new ReportResult(true, false, null, "run", exit.Describe());
    }
}
