using Lodge.Core.Doctor;
using Lodge.Core.Passthrough;
using Lodge.Core.Reports;

namespace Lodge.Core.Tests.Reports;

public sealed class KnownOutcomesSpecs
{
    [Fact]
    public void A_host_without_a_display_device_gets_one_line_that_says_so_instead_of_an_empty_section()
    {
        // Act
        var section = KnownOutcomes.Section(Array.Empty<DeviceAssessment>(), Array.Empty<OutcomeReport>());

        // Assert
        var check = Assert.Single(section.Checks);
        Assert.Equal(CheckStatus.Info, check.Status);
        Assert.Contains("no display device", check.Detail, StringComparison.Ordinal);
    }
}
