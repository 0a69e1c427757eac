using Lodge.Core.Machines;
using Lodge.Core.Reports;
using Lodge.Linux;
using Lodge.Linux.Reports;
using Lodge.Linux.Simulation;
using Lodge.Linux.Sysfs;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>The outcome database tells the truth: imports are idempotent, and a damaged file gives one sentence and a way out.</summary>
public sealed class ReportDatabaseSpecs : IDisposable
{
    private readonly TreeCopy _work = new();

    private string Db => Path.Combine(_work.Root, "reports.db");

    public void Dispose() => _work.Dispose();

    private static OutcomeReport Attempt(string machineName, bool works, int day = 27)
    {
        var host = new SysfsScanner(new HostRoot(RepoPaths.Host("EADE3920D9"))).Scan();
        var gpu = host.PciDevices.First(d => d.Class is { IsGpu: true });
        var machine = new MachineConfig(machineName, $"/etc/lodge/machines/{machineName}.toml") { Os = GuestOs.Windows11, Gpu = new GpuConfig("1002:73df", GpuMode.Handoff) };
        return ReportFactory.Create(host, machine, gpu, new ReportResult(true, works, works, works ? null : "start-guest", works ? null : "black screen"), new DateTimeOffset(2026, 11, day, 10, 30, 0, TimeSpan.Zero));
    }

    private void Fill(int count)
    {
        using var store = ReportStore.Open(Db);
        for (var i = 0; i < count; i++)
        {
            store.Add(Attempt($"vm{i}", works: i % 2 == 0, day: 1 + (i % 28)));
        }
    }

    [Fact]
    public void I_can_import_the_same_report_file_twice_and_keep_one_copy_of_each_report()
    {
        // Arrange
        Fill(3);
        var export = Path.Combine(_work.Root, "shared.json");
        Assert.Equal(0, CliRun.Run("report", "export", "-o", export, "--reports-db", Db).ExitCode);
        var other = Path.Combine(_work.Root, "other.db");

        // Act
        var first = CliRun.Run("report", "import", export, "--reports-db", other);
        var second = CliRun.Run("report", "import", export, "--reports-db", other);
        var both = CliRun.Run("report", "import", export, export, "--reports-db", other);

        // Assert
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("Imported 3 report(s).", first.Console, StringComparison.Ordinal);
        Assert.Contains("Imported 0 report(s); 3 were already here.", second.Console, StringComparison.Ordinal);
        Assert.Contains("Imported 0 report(s); 6 were already here.", both.Console, StringComparison.Ordinal);
        using var store = ReportStore.Open(other);
        Assert.Equal(3, store.All().Count);
    }

    [Fact]
    public void I_can_use_a_partly_overwritten_database_and_get_one_sentence_naming_the_repair_never_a_crash()
    {
        // Arrange: a real SQLite file with many reports, whose middle pages are overwritten with garbage.
        Fill(400);
        Corrupt(Db);

        // Act
        var list = CliRun.Run("report", "list", "--reports-db", Db);
        var import = CliRun.Run("report", "rate", "vm1", "good", "--reports-db", Db);

        // Assert
        foreach (var result in new[] { list, import })
        {
            Assert.Equal(3, result.ExitCode);
            Assert.Contains($"Error: The outcome database '{Db}' is damaged (", result.Error, StringComparison.Ordinal);
            Assert.Contains("Run 'lodge report repair'", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void I_can_repair_a_damaged_database_keep_the_damaged_file_and_salvage_the_reports_it_still_holds()
    {
        // Arrange
        Fill(400);
        Corrupt(Db);
        var damagedBytes = File.ReadAllBytes(Db);

        // Act
        var repair = CliRun.Run("report", "repair", "--reports-db", Db);
        var list = CliRun.Run("report", "list", "--reports-db", Db);
        var again = CliRun.Run("report", "repair", "--reports-db", Db);

        // Assert
        Assert.True(repair.ExitCode == 0, repair.Error);
        var kept = Path.Combine(_work.Root, "reports.db.damaged-20261127-120000");
        Assert.Contains($"Kept the damaged database as '{kept}'.", repair.Console, StringComparison.Ordinal);
        Assert.Equal(damagedBytes, File.ReadAllBytes(kept));
        var salvaged = int.Parse(System.Text.RegularExpressions.Regex.Match(repair.Console, @"Salvaged (\d+) report").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(salvaged, 1, 399);
        Assert.Equal(0, list.ExitCode);
        using (var store = ReportStore.Open(Db))
        {
            Assert.Equal(salvaged, store.All().Count);
        }

        Assert.Contains("is not damaged; nothing was changed", again.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_repair_a_file_that_is_no_database_at_all_and_start_fresh_with_it_kept()
    {
        // Arrange
        File.WriteAllText(Db, "this was overwritten by something else entirely, not a database any more\n");

        // Act
        var list = CliRun.Run("report", "list", "--reports-db", Db);
        var repair = CliRun.Run("report", "repair", "--reports-db", Db);

        // Assert
        Assert.Equal(3, list.ExitCode);
        Assert.Contains("Run 'lodge report repair'", list.Error, StringComparison.Ordinal);
        Assert.Equal(0, repair.ExitCode);
        Assert.Contains("Salvaged 0 report(s)", repair.Console, StringComparison.Ordinal);
        Assert.Equal(0, CliRun.Run("report", "list", "--reports-db", Db).ExitCode);
    }

    // Overwrites a third of the file's pages, from the second page on (the header stays, so SQLite opens it).
    private static void Corrupt(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var pageSize = (bytes[16] << 8) | bytes[17];
        Assert.True(bytes.Length >= 6 * pageSize, $"The database is only {bytes.Length} bytes.");
        var random = new Random(10);
        for (var offset = 2 * pageSize; offset < bytes.Length / 2; offset++)
        {
            bytes[offset] = (byte)random.Next(256);
        }

        File.WriteAllBytes(path, bytes);
    }
}
