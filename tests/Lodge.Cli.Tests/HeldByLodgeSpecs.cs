using System.Text.Json.Nodes;
using Lodge.Core.Runtime;
using Lodge.Linux.HugePages;
using Lodge.Linux.Runtime;

namespace Lodge.Cli.Tests;

/// <summary><c>status</c> and <c>rescue</c> read the hugepage journal: what Lodge still holds for a guest that no longer runs is named, and rescue gives it back.</summary>
/// <remarks>The reservation is on NUMA node 99, a pool no host here has, so rescue writes nothing to this machine's /sys.</remarks>
public sealed class HeldByLodgeSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-held-").FullName;

    private RuntimeRoots Roots => new(Path.Combine(_dir, "run"), Path.Combine(_dir, "state"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The console wraps long lines at its width.
    private static string Flat(string text) => string.Join(' ', text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void I_can_see_hugepages_lodge_still_holds_for_a_stopped_guest_and_rescue_forgets_a_pool_that_is_gone()
    {
        // Arrange
        var journal = new HugePageJournal(new GuestStateStore(Roots).HugePageJournalPath);
        journal.Put(new HugePageReservation("win11", new HugePageAllocation(99, 2048, 4096), 16, 4096));

        // Act
        var status = CliRun.RunWith(Roots, "status");
        var json = CliRun.RunWith(Roots, "status", "--json");
        var rescue = CliRun.RunWith(Roots, "rescue");
        var after = CliRun.RunWith(Roots, "status");

        // Assert
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("Lodge still holds 4096 2M hugepages on NUMA node 99 for 'win11', which is not running; 'lodge rescue' gives them back.", Flat(status.Console), StringComparison.Ordinal);
        var held = JsonNode.Parse(json.Out)!["held"]!["hugepages"]![0]!;
        Assert.Equal("win11", (string?)held["guest"]);
        Assert.False((bool)held["running"]!);
        Assert.Equal(99, (int)held["node"]!);
        Assert.Equal(4096, (long)held["pages"]!);
        Assert.Equal(0, rescue.ExitCode);
        Assert.Contains("Gave back 4096 2M hugepages on NUMA node 99 for 'win11' (0 pages freed).", rescue.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(journal.Path));
        Assert.DoesNotContain("hugepages", after.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_see_in_doctor_the_hugepages_lodge_still_holds_on_this_host()
    {
        // Arrange
        new HugePageJournal(new GuestStateStore(Roots).HugePageJournalPath).Put(new HugePageReservation("win11", new HugePageAllocation(99, 2048, 4096), 16, 4096));

        // Act
        var doctor = CliRun.RunWith(Roots, "doctor", "--json");

        // Assert
        var section = JsonNode.Parse(doctor.Out)!["sections"]!.AsArray().Single(s => (string?)s!["title"] == "Held by Lodge")!;
        var check = section["checks"]![0]!;
        Assert.Equal("warning", (string?)check["status"]);
        Assert.Equal("4096 2M hugepages on NUMA node 99 for 'win11', which is not running.", (string?)check["detail"]);
        Assert.Equal("Run 'lodge rescue' to give them back.", (string?)check["fix"]);
    }

    [Fact]
    public void I_get_exit_3_and_what_to_check_from_rescue_and_status_when_the_hugepage_journal_is_damaged()
    {
        // Arrange
        var path = new GuestStateStore(Roots).HugePageJournalPath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "00000000 {\"guest\":\"win11\"}\n");

        // Act
        var rescue = CliRun.RunWith(Roots, "rescue");
        var status = CliRun.RunWith(Roots, "status");

        // Assert
        Assert.Equal(3, rescue.ExitCode);
        Assert.Contains($"Error: Line(s) 1 of the hugepage journal '{path}' are damaged", rescue.Error, StringComparison.Ordinal);
        Assert.Contains($"mv '{path}' '{path}.damaged'", rescue.Error, StringComparison.Ordinal);
        Assert.Equal(3, status.ExitCode);
        Assert.Contains("are damaged, so what Lodge still holds in the hugepage pools is not known.", Flat(status.Console), StringComparison.Ordinal);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void I_can_have_the_boot_rescue_forget_reservations_the_reboot_gave_back()
    {
        // Arrange
        var journal = new HugePageJournal(new GuestStateStore(Roots).HugePageJournalPath);
        journal.Put(new HugePageReservation("win11", new HugePageAllocation(99, 2048, 4096), 16, 4096));

        // Act
        var rescue = CliRun.RunWith(Roots, "rescue", "--boot");

        // Assert
        Assert.Equal(0, rescue.ExitCode);
        Assert.Contains("The reboot gave back the hugepages Lodge had reserved.", rescue.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(journal.Path));
    }
}
