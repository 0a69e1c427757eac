using Lodge.Core.Catalog;
using Lodge.Core.Reports;

namespace Lodge.Core.Tests.Catalog;

public sealed class CatalogSpecs
{
    private static OutcomeReport Report(string gpu, string board, string kernel, string reset, bool works, string origin = "local") => new(
        7, origin, "my-vm", new DateTimeOffset(2026, 11, 27, 13, 45, 0, TimeSpan.Zero),
        new ReportHardware("AMD Ryzen 7 5800X", "Gigabyte", board, "F15", gpu, "Navi 22", null, []),
        new ReportVersions(kernel, "9.1.2"),
        new ReportGuest("windows11", new Dictionary<string, string> { ["reset-method"] = reset, ["gpu-mode"] = "dedicated" }),
        new ReportResult(true, works, null, null, null),
        null);

    [Fact]
    public void The_id_ignores_what_is_local_so_the_same_report_from_two_places_is_one_file()
    {
        var local = Report("1002:73df:1eae:6601", "B550M", "6.8.0-45-generic", "bus", true);
        var travelled = local with { Id = 99, Origin = "imported", Machine = null, RecordedAt = local.RecordedAt.AddHours(-10) };

        Assert.Equal(CatalogId.Of(local), CatalogId.Of(travelled));
        Assert.NotEqual(CatalogId.Of(local), CatalogId.Of(local with { Result = local.Result with { Healthy = false } }));
        Assert.Equal($"gpu/1002-73df/{CatalogId.Of(local)}.json", CatalogEntry.For(local).Path);
    }

    [Fact]
    public void A_published_file_reads_back_as_the_same_report_and_its_name_is_checked()
    {
        var entry = CatalogEntry.For(Report("1002:73df:1eae:6601", "B550M", "6.8.0-45-generic", "bus", true));

        var read = CatalogFile.Read(entry.Path, System.Text.Encoding.UTF8.GetBytes(entry.Document));
        var renamed = CatalogFile.Read(entry.Path.Replace("1002-73df", "10de-2484", StringComparison.Ordinal), System.Text.Encoding.UTF8.GetBytes(entry.Document));
        var escaped = CatalogFile.Read("gpu/../../etc/" + entry.Id + ".json", System.Text.Encoding.UTF8.GetBytes(entry.Document));

        Assert.True(read.Accepted, read.Refusal);
        Assert.Equal(entry.Id, read.Id);
        Assert.Equal("its GPU 1002:73df:1eae:6601 does not belong in folder gpu/10de-2484", renamed.Refusal);
        Assert.StartsWith("its name is not gpu/VVVV-DDDD", escaped.Refusal ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void Knowledge_counts_this_gpu_board_and_kernel_and_weights_close_hardware_more()
    {
        // Arrange: on this board and kernel the bus reset works; far away (other board, other kernel) it failed more often
        var host = new CatalogHost("1002:73df:1eae:6601", "Gigabyte", "B550M", "6.8.0-45-generic", "AMD Ryzen 7 5800X");
        var reports = new List<OutcomeReport>
        {
            Report("1002:73df:1eae:6601", "B550M", "6.8.0-45-generic", "bus", true),
            Report("1002:73df:1eae:6601", "B550M", "6.8.12-1", "bus", true),
            Report("1002:73df:1002:0e3a", "X570", "6.1.0-28-amd64", "bus", false),
            Report("1002:73df:1002:0e3a", "X570", "6.1.0-28-amd64", "bus", false),
            Report("1002:73df:1002:0e3a", "X570", "6.1.0-28-amd64", "bus", false),
            Report("1002:73df:1002:0e3a", "X570", "6.1.0-28-amd64", "device_specific", true),
            Report("10de:2484:1458:4038", "B550M", "6.8.0-45-generic", "flr", false),
        };

        // Act
        var k = CatalogKnowledge.For(host, reports);

        // Assert
        Assert.Equal(new CatalogTally(3, 3), k.OnGpu);
        Assert.Equal(new CatalogTally(2, 0), k.OnBoard);
        Assert.Equal(new CatalogTally(2, 0), k.OnKernel);
        var reset = Assert.Single(k.Features);
        Assert.Equal("reset-method", reset.Feature);
        var bus = reset.Values.Single(v => v.Value == "bus");
        Assert.Equal(2, bus.Worked);
        Assert.Equal(5, bus.Attempts);
        // Unweighted 2/5 = 40 %; the two close reports weigh 5.5 each (1 + board 2 + kernel series 1 + card 1 + CPU 0.5), the far ones 1.5.
        Assert.Equal((5.5 + 5.5) / (5.5 + 5.5 + (1.5 * 3)), bus.WeightedRate, 6);
        Assert.Equal("6.8", CatalogKnowledge.KernelSeries("6.8.0-45-generic"));
        Assert.Null(CatalogKnowledge.KernelSeries("banana"));
    }

    [Fact]
    public void The_index_counts_reports_per_gpu_board_os_and_outcome()
    {
        var text = CatalogIndex.Write([
            Report("1002:73df:1eae:6601", "B550M", "6.8.0", "bus", true),
            Report("1002:73df:1eae:6601", "X570", "6.8.0", "bus", false),
        ]);

        Assert.Contains("\"reports\": 2", text, StringComparison.Ordinal);
        Assert.Contains("\"1002:73df\": {\n      \"reports\": 2,\n      \"good\": 1,\n      \"bad\": 1", text, StringComparison.Ordinal);
        Assert.Contains("\"Gigabyte X570\"", text, StringComparison.Ordinal);
        Assert.Contains("\"failed\": 1", text, StringComparison.Ordinal);
    }
}
