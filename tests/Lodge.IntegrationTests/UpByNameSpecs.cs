using System.Text.Json.Nodes;
using Lodge.Linux.Reports;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary><c>lodge up NAME</c> end to end: the TOML is planned against this host, the runtime starts it, and the attempt is recorded.</summary>
public sealed class UpByNameSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_start_a_machine_by_name_see_it_running_stop_it_and_find_the_attempt_recorded()
    {
        // Arrange: a small Linux machine with a disk lodge creates; no OS on it, so only a forced stop ends it
        var config = Directory.CreateDirectory(Path.Combine(fixture.Root, "machines")).FullName;
        var db = Path.Combine(fixture.Root, "reports.db");
        await File.WriteAllTextAsync(Path.Combine(config, "byname.toml"), """
            os = "linux"

            [cpu]
            cores = 1
            threads = 1
            pin = "1"

            [memory]
            size = "256M"
            hugepages = "off"

            [firmware]
            type = "bios"

            [[disk]]
            path = "system.qcow2"
            size = "64M"

            [network]
            mode = "none"

            [display]
            type = "none"

            [audio]
            backend = "none"
            """);

        // Act
        var up = await LodgeCli.RunAsync("up", "byname", "--detach", "--tcg", "--config-dir", config, "--reports-db", db);
        var status = JsonNode.Parse((await LodgeCli.RunAsync("status", "byname", "--json")).StandardOutput)!["guests"]![0]!;
        var pid = (int)status["pid"]!;
        var affinities = Directory.GetDirectories($"/proc/{pid}/task")
            .Select(t => File.ReadAllLines(Path.Combine(t, "status")).Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim())
            .ToList();
        var down = await LodgeCli.RunAsync("down", "byname", "--timeout", "2", "--force");

        // Assert
        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        Assert.Equal("running", (string?)status["runState"]);
        Assert.Single(affinities, a => a == "1");           // the one vCPU thread, on host CPU 1
        Assert.All(affinities.Where(a => a != "1"), a => Assert.Equal("0", a)); // the emulator threads on the rest
        Assert.True(File.Exists(Path.Combine(fixture.Roots.StateDir("byname"), "system.qcow2")));
        Assert.Contains("-machine", File.ReadAllText(Path.Combine(fixture.Roots.RunDir("byname"), "qemu.args")), StringComparison.Ordinal);
        Assert.True(down.ExitCode == 0, down.StandardOutput + down.StandardError);
        Assert.Contains("stopped hard", down.StandardError, StringComparison.Ordinal);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "byname"));
        using var store = ReportStore.Open(db);
        var report = Assert.Single(store.All());
        Assert.Equal("byname", report.Machine);
        Assert.True(report.Result.Started);
        Assert.Equal("linux", report.Guest.Os);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_start_a_secure_boot_machine_with_a_tpm_and_swtpm_gets_its_state_folder()
    {
        // Arrange
        var config = Directory.CreateDirectory(Path.Combine(fixture.Root, "machines-tpm")).FullName;
        await File.WriteAllTextAsync(Path.Combine(config, "tpmvm.toml"), """
            os = "linux"

            [cpu]
            cores = 1
            threads = 1
            pin = "none"

            [memory]
            size = "512M"
            hugepages = "off"

            [firmware]
            type = "uefi-secure"
            tpm = true

            [network]
            mode = "none"

            [display]
            type = "none"
            """);

        // Act
        var up = await LodgeCli.RunAsync("up", "tpmvm", "--detach", "--tcg", "--config-dir", config, "--reports-db", Path.Combine(fixture.Root, "tpm-reports.db"));
        var status = JsonNode.Parse((await LodgeCli.RunAsync("status", "tpmvm", "--json")).StandardOutput)!["guests"]![0]!;
        var down = await LodgeCli.RunAsync("down", "tpmvm", "--timeout", "2", "--force");

        // Assert
        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        Assert.Equal("running", (string?)status["runState"]);
        Assert.Contains(status["helpers"]!.AsArray(), h => (string?)h!["name"] == "swtpm");
        Assert.True(Directory.EnumerateFiles(Path.Combine(fixture.Roots.StateDir("tpmvm"), "tpm")).Any(f => !f.EndsWith("README.lodge", StringComparison.Ordinal)), "swtpm wrote no state");
        Assert.True(File.Exists(Path.Combine(fixture.Roots.StateDir("tpmvm"), "nvram.fd")), "no NVRAM copy");
        Assert.True(down.ExitCode == 0, down.StandardOutput + down.StandardError);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "tpmvm"));
    }
}
