using Lodge.Core.Reports;

namespace Lodge.Core.Tests.Reports;

public sealed class ReportQuerySpecs
{
    private static OutcomeReport Report(long id, string gpu, bool works, string reset, bool? rating = null, string board = "B550M AORUS PRO-P", string os = "windows11", int day = 1) =>
        new(id, "local", "vm", new DateTimeOffset(2026, 11, day, 0, 0, 0, TimeSpan.Zero),
            new ReportHardware("Ryzen", "Gigabyte", board, "F15", gpu, null, null, []),
            new ReportVersions("6.1.0", "7.2.19"),
            new ReportGuest(os, new Dictionary<string, string> { ["reset-method"] = reset, ["gpu-mode"] = "handoff" }),
            new ReportResult(true, works, true, works ? null : "start-guest", works ? null : "guest never became healthy"),
            rating is null ? null : new ReportRating(rating.Value, null));

    [Fact]
    public void Attempts_that_worked_and_were_rated_good_come_first_and_bad_ones_last()
    {
        // Arrange
        var reports = new[]
        {
            Report(1, "1002:67df", works: false, "bus"),
            Report(2, "1002:67df", works: true, "device_specific"),
            Report(3, "1002:67df", works: true, "device_specific", rating: true),
            Report(4, "1002:67df", works: true, "bus", rating: false),
            Report(5, "10de:2206", works: true, "flr", rating: true),
        };

        // Act
        var result = ReportQuery.Run(reports, "1002:67df");

        // Assert
        Assert.Equal([3L, 2, 1, 4], result.Reports.Select(r => r.Id));
    }

    [Fact]
    public void The_feature_that_made_the_difference_is_named_with_its_success_rates()
    {
        // Arrange
        var reports = new[]
        {
            Report(1, "1002:67df:1da2:e387", works: false, "bus"),
            Report(2, "1002:67df", works: false, "bus"),
            Report(3, "1002:67df", works: true, "device_specific"),
        };

        // Act
        var result = ReportQuery.Run(reports, "1002:67df");

        // Assert
        var diff = Assert.Single(result.Differences);
        Assert.Equal("reset-method", diff.Feature);
        Assert.Equal(1.0, diff.Spread);
        Assert.Equal(("device_specific", 1, 1), (diff.Values[0].Value, diff.Values[0].Attempts, diff.Values[0].Worked));
        Assert.Equal(("bus", 2, 0), (diff.Values[1].Value, diff.Values[1].Attempts, diff.Values[1].Worked));
    }

    [Fact]
    public void Board_and_os_narrow_the_query()
    {
        // Arrange
        var reports = new[]
        {
            Report(1, "1002:73df", true, "flr", board: "X570 TUF"),
            Report(2, "1002:73df", true, "flr", os: "macos"),
            Report(3, "1002:73df", true, "flr"),
        };

        // Act + Assert
        Assert.Equal([1L], ReportQuery.Run(reports, "1002:73df", board: "x570").Reports.Select(r => r.Id));
        Assert.Equal([2L], ReportQuery.Run(reports, "1002:73df", os: "macos").Reports.Select(r => r.Id));
        Assert.Empty(ReportQuery.Run(reports, "1002:73d").Reports);
    }

    [Fact]
    public void Export_then_read_gives_the_same_reports()
    {
        // Arrange
        var original = new[] { Report(1, "1002:67df", false, "bus", rating: false), Report(2, "10de:2206:1462:397d", true, "flr", rating: true) };

        // Act
        var read = ReportJsonReader.Read(ReportJson.Write(original), "test.json");

        // Assert
        Assert.Equal(original.Length, read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            Assert.Equal(ReportJson.Write([original[i] with { Origin = "imported", Machine = null, Id = 0 }]), ReportJson.Write([read[i]]));
        }
    }

    [Theory]
    [InlineData("{", "is not JSON")]
    [InlineData("{\"format\": \"other\"}", "is not a lodge report file")]
    [InlineData("{\"format\": \"lodge-report\", \"version\": 9, \"reports\": []}", "cannot read")]
    [InlineData("{\"format\": \"lodge-report\", \"version\": 1, \"reports\": [{}]}", "reports[0] lacks")]
    public void A_bad_report_file_is_refused_with_the_place_named(string text, string expected)
    {
        var e = Assert.Throws<ReportFormatException>(() => ReportJsonReader.Read(text, "in.json"));
        Assert.Contains(expected, e.Message);
        Assert.Contains("in.json", e.Message);
    }
}
