using Lodge.Linux.Simulation;
using Lodge.Core.Machines;
using Lodge.Core.Reports;
using Lodge.Linux;
using Lodge.Linux.Reports;
using Lodge.Linux.Sysfs;
using Lodge.Testing;
using Microsoft.Data.Sqlite;

namespace Lodge.Cli.Tests;

/// <summary>Outcome reports: recorded, rated, exported without identities, imported elsewhere, queried, shown by doctor.</summary>
public sealed class ReportSpecs : IDisposable
{
    private readonly TreeCopy _work = new();

    private string Db => Path.Combine(_work.Root, "reports.db");

    public void Dispose() => _work.Dispose();

    private static OutcomeReport Attempt(string root, string machineName, bool works, string? error = null)
    {
        var host = new SysfsScanner(new HostRoot(root)).Scan();
        var gpu = host.PciDevices.First(d => d.Class is { IsGpu: true });
        var machine = new MachineConfig(machineName, $"/etc/lodge/machines/{machineName}.toml") { Os = GuestOs.Windows11, Gpu = new GpuConfig("1002:73df", GpuMode.Handoff) };
        return ReportFactory.Create(host, machine, gpu, new ReportResult(true, works, works, works ? null : "start-guest", error), new DateTimeOffset(2026, 11, 27, 10, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public void An_export_holds_no_serial_uuid_mac_host_name_user_name_home_path_or_ip()
    {
        // Arrange: a host with identities planted in DMI, /etc and the outcome's texts
        using var tree = new TreeCopy(RepoPaths.Host("EADE3920D9"));
        void Plant(string path, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(tree.Root + path)!);
            File.WriteAllText(tree.Root + path, text);
        }

        Plant("/sys/class/dmi/id/board_vendor", "Gigabyte Technology Co., Ltd.\n");
        Plant("/sys/class/dmi/id/board_name", "B550M AORUS PRO-P secret-host\n");
        Plant("/sys/class/dmi/id/bios_version", "F15 SN:C0DFBBA45126\n");
        Plant("/sys/class/dmi/id/product_serial", "C0DFBBA45126\n");
        Plant("/sys/class/dmi/id/product_uuid", "3f1b2c4d-1111-2222-3333-444455556666\n");
        Plant("/etc/hostname", "secret-host\n");
        Plant("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nbob:x:1000:1000:Bob Hidden,,,:/home/bob:/bin/bash\n");
        var secret = Attempt(tree.Root, "bobs-gaming-vm", works: false,
            error: "qemu: could not open /home/bob/vms/win.qcow2 on secret-host (192.168.1.23, fe80::1ff:fe23:4567:890a) nic aa:bb:cc:dd:ee:ff disk 3f1b2c4d-1111-2222-3333-444455556666 serial C0DFBBA45126 user bob"
                + " Guest 'bobs-gaming-vm' crashed; see /run/lodge/bobs-gaming-vm/qemu.log and /var/lib/lodge/bobs-gaming-vm/nvram.fd; 'office-pc' held the disk /dev/disk/by-id/ata-WDC_WD10EZEX-08WN4A0_WD-WCC6Y3KX1234");
        using (var store = ReportStore.Open(Db))
        {
            store.Add(secret);
            store.Add(Attempt(tree.Root, "office-pc", works: true));
            store.RateLatest("bobs-gaming-vm", new ReportRating(false, "Bob Hidden says: black screen on secret-host; my NVMe S5GXNF0R123456A, ask owner: carol or dave@example.org, files in ~erin"));
        }

        var export = Path.Combine(_work.Root, "out.json");

        // Act
        var result = CliRun.Run("report", "export", "-o", export, "--reports-db", Db, "--root", tree.Root);
        var text = File.ReadAllText(export);

        // Assert
        Assert.Equal(0, result.ExitCode);
        foreach (var planted in new[]
        {
            "C0DFBBA45126", "3f1b2c4d", "aa:bb:cc:dd:ee:ff", "secret-host", "bob", "Bob", "Hidden", "/home/bob", "192.168.1.23", "fe80::1ff:fe23:4567:890a",
            "bobs-gaming-vm", "office-pc", "WD-WCC6Y3KX1234", "WDC_WD10EZEX", "S5GXNF0R123456A", "carol", "dave", "example.org", "erin",
        })
        {
            Assert.DoesNotContain(planted, text);
        }

        Assert.Contains("\"gpu\": \"1002:73df:1eae:6601\"", text);
        Assert.Contains("Gigabyte Technology", text);
    }

    [Fact]
    public void I_can_export_reports_and_import_them_on_another_machine()
    {
        // Arrange
        var other = Path.Combine(_work.Root, "other.db");
        using (var store = ReportStore.Open(Db))
        {
            store.Add(Attempt(RepoPaths.Host("EADE3920D9"), "win", works: true));
            store.Add(Attempt(RepoPaths.Host("EADE3920D9"), "win", works: false, error: "vfio-pci bind timed out"));
            store.RateLatest("win", new ReportRating(false, "hung at boot"));
        }

        var file = Path.Combine(_work.Root, "share.json");

        // Act
        Assert.Equal(0, CliRun.Run("report", "export", "-o", file, "--reports-db", Db, "--root", RepoPaths.Host("EADE3920D9")).ExitCode);
        var import = CliRun.Run("report", "import", file, "--reports-db", other);
        var again = Path.Combine(_work.Root, "again.json");
        Assert.Equal(0, CliRun.Run("report", "export", "-o", again, "--reports-db", other, "--root", RepoPaths.Host("EADE3920D9")).ExitCode);

        // Assert
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("Imported 2 report(s).", import.Console);
        Assert.Equal(File.ReadAllText(file).Replace("\"origin\": \"local\"", "\"origin\": \"imported\""), File.ReadAllText(again));
    }

    [Fact]
    public void A_query_ranks_what_worked_first_and_doctor_shows_the_known_outcomes()
    {
        // Arrange
        using (var store = ReportStore.Open(Db))
        {
            store.Add(Attempt(RepoPaths.Host("EADE3920D9"), "a", works: false, error: "black screen"));
            store.Add(Attempt(RepoPaths.Host("EADE3920D9"), "b", works: true));
            store.RateLatest("b", new ReportRating(true, "smooth"));
        }

        // Act
        var query = CliRun.Run("report", "query", "--gpu", "1002:73df", "--reports-db", Db);
        var doctor = CliRun.Run("doctor", "--root", RepoPaths.Host("EADE3920D9"), "--reports-db", Db);

        // Assert
        Assert.Equal(0, query.ExitCode);
        Assert.True(query.Console.IndexOf("smooth", StringComparison.Ordinal) < query.Console.IndexOf("black screen", StringComparison.Ordinal) || !query.Console.Contains("black screen"));
        Assert.Contains("1 of 2 attempts worked.", query.Console);
        Assert.Contains("Known outcomes", doctor.Console);
        Assert.Contains("2 attempt(s) recorded, 1 worked", doctor.Console);
    }

    [Fact]
    public void A_database_written_by_the_first_schema_opens_and_migrates_under_later_code()
    {
        // Arrange: exactly what version 1 of lodge created
        using (var connection = new SqliteConnection($"Data Source={Db}"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = ReportStore.Migrations[0] + "\nPRAGMA user_version = 1;\n" +
                "INSERT INTO reports (origin, machine, recorded, gpu, os, features, started, healthy, handoff_clean) VALUES ('local', 'old', '2026-01-02T03:04:05Z', '10de:2206', 'linux', 'gpu-mode=dedicated', 1, 1, NULL);";
            cmd.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();

        // Act
        using var store = ReportStore.Open(Db);
        var old = Assert.Single(store.All());
        var rated = store.RateLatest("old", new ReportRating(true, "still fine"));

        // Assert
        Assert.Equal(ReportStore.Migrations.Count, store.SchemaVersion);
        Assert.Equal("10de:2206", old.Hardware.Gpu);
        Assert.Equal("dedicated", old.Guest.Features["gpu-mode"]);
        Assert.Null(old.Rating);
        Assert.Equal(old.Id, rated);
        Assert.True(store.Get(old.Id)!.Rating!.Good);
    }

    [Fact]
    public void Rating_a_machine_without_attempts_is_a_clear_error()
    {
        // Act
        var result = CliRun.Run("report", "rate", "nothing", "good", "--reports-db", Db);

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("Error: There is no recorded attempt of machine 'nothing' to rate.", result.Error);
    }
}
