using System.Text.Json.Nodes;
using Lodge.Core.Machines;
using Lodge.Core.Reports;
using Lodge.Linux;
using Lodge.Linux.Reports;
using Lodge.Linux.Simulation;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary><c>lodge report list --json</c> and <c>report query --json</c>: the shapes docs/api.md documents.</summary>
public sealed class ReportJsonSpecs : IDisposable
{
    private readonly TreeCopy _work = new();

    private string Db => Path.Combine(_work.Root, "reports.db");

    public void Dispose() => _work.Dispose();

    private static OutcomeReport Attempt(string machineName, bool works, string? error = null)
    {
        var host = new SysfsScanner(new HostRoot(RepoPaths.Host("EADE3920D9"))).Scan();
        var gpu = host.PciDevices.First(d => d.Class is { IsGpu: true });
        var machine = new MachineConfig(machineName, $"/etc/lodge/machines/{machineName}.toml") { Os = GuestOs.Windows11, Gpu = new GpuConfig("1002:73df", GpuMode.Handoff) };
        return ReportFactory.Create(host, machine, gpu, new ReportResult(true, works, works, works ? null : "start-guest", error), new DateTimeOffset(2026, 11, 27, 10, 30, 0, TimeSpan.Zero));
    }

    private void Seed()
    {
        using var store = ReportStore.Open(Db);
        store.Add(Attempt("a", works: false, error: "black screen"));
        store.Add(Attempt("b", works: true));
        store.RateLatest("b", new ReportRating(true, "smooth"));
    }

    [Fact]
    public void I_can_list_the_reports_as_json_with_their_ids_results_and_ratings()
    {
        // Arrange
        Seed();

        // Act
        var result = CliRun.Run("report", "list", "--json", "--reports-db", Db);

        // Assert
        Assert.True(result.ExitCode == 0, result.Error);
        var reports = JsonNode.Parse(result.Out)!["reports"]!.AsArray();
        Assert.Equal(2, reports.Count);
        var failed = reports.Single(r => (string?)r!["machine"] == "a")!;
        var good = reports.Single(r => (string?)r!["machine"] == "b")!;
        Assert.True((long)failed["id"]! > 0);
        Assert.Equal("2026-11-27T10:30:00Z", (string?)failed["recorded"]);
        Assert.Equal("local", (string?)failed["origin"]);
        Assert.Equal("windows11", (string?)failed["os"]);
        Assert.StartsWith("1002:73df", (string?)failed["gpu"], StringComparison.Ordinal);
        Assert.False((bool)failed["result"]!["succeeded"]!);
        Assert.Equal("start-guest", (string?)failed["result"]!["failedStep"]);
        Assert.Equal("black screen", (string?)failed["result"]!["error"]);
        Assert.Null(failed["rating"]);
        Assert.True((bool)good["result"]!["succeeded"]!);
        Assert.True((bool)good["rating"]!["good"]!);
        Assert.Equal("smooth", (string?)good["rating"]!["note"]);
        Assert.Equal("handoff", (string?)good["features"]!["gpu-mode"]);
    }

    [Fact]
    public void I_can_query_a_GPU_as_json_and_get_what_worked_first_and_the_count()
    {
        // Arrange
        Seed();

        // Act
        var result = CliRun.Run("report", "query", "--gpu", "1002:73df", "--json", "--reports-db", Db);

        // Assert
        Assert.True(result.ExitCode == 0, result.Error);
        var query = JsonNode.Parse(result.Out)!;
        Assert.Equal("1002:73df", (string?)query["gpu"]);
        Assert.Equal(2, (int)query["attempts"]!);
        Assert.Equal(1, (int)query["worked"]!);
        var reports = query["reports"]!.AsArray();
        Assert.Equal(["b", "a"], reports.Select(r => (string?)r!["machine"]));
        Assert.NotNull(query["differences"]!.AsArray());
    }

    [Fact]
    public void I_can_query_this_hosts_GPUs_as_json_without_naming_one()
    {
        // Arrange
        Seed();

        // Act
        var result = CliRun.Run("report", "query", "--json", "--reports-db", Db, "--root", RepoPaths.Host("EADE3920D9"));

        // Assert
        Assert.True(result.ExitCode == 0, result.Error);
        var gpu = JsonNode.Parse(result.Out)!["gpus"]!.AsArray().Single(g => ((string?)g!["gpu"])!.StartsWith("1002:73df", StringComparison.Ordinal))!;
        Assert.Equal("0000:06:00.0", (string?)gpu["address"]);
        Assert.Equal(1, (int)gpu["onGpu"]!["good"]!);
        Assert.Equal(1, (int)gpu["onGpu"]!["bad"]!);
        Assert.False(string.IsNullOrEmpty((string?)gpu["summary"]));
    }
}
