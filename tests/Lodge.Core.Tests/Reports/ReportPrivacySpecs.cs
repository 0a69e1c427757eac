using Lodge.Core.Reports;

namespace Lodge.Core.Tests.Reports;

public sealed class ReportPrivacySpecs
{
    [Fact]
    public void An_error_text_loses_the_machine_name_and_a_moved_run_folder()
    {
        // Arrange
        var report = new OutcomeReport(
            7, "local", "alices-vm", new DateTimeOffset(2026, 11, 27, 10, 30, 0, TimeSpan.Zero),
            new ReportHardware(null, null, null, null, "1002:73df", null, null, []),
            new ReportVersions(null, null),
            new ReportGuest("linux", new Dictionary<string, string>()),
            new ReportResult(true, false, null, "run", "Guest 'alices-vm' crashed; see /srv/alice-runs/alices-vm/qemu.log and /srv/alice-state/alices-vm/nvram.fd."),
            null);

        // Act
        var shared = ReportPrivacy.Filter(report, [], [("/srv/alice-runs", "/run/lodge"), ("/srv/alice-state", "/var/lib/lodge")]);

        // Assert
        Assert.Null(shared.Machine);
        Assert.Equal("Guest 'REDACTED' crashed; see /run/lodge/REDACTED/qemu.log and /var/lib/lodge/REDACTED/nvram.fd.", shared.Result.Error);
    }
}
