using System.Diagnostics;
using System.Text.Json.Nodes;
using Lodge.Linux.Runtime;

namespace Lodge.Cli.Tests;

// lodge enable / disable under --root: the units land below the root only, and the real systemd-analyze verify accepts
// them (against a copy of this system's own unit folder, so that sysinit.target and the rest exist below the root).
public sealed class EnableSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-enable-").FullName;

    private string Root => Path.Combine(_dir, "root");

    private string Config => Path.Combine(_dir, "machines");

    private RuntimeRoots Roots => new(Path.Combine(_dir, "run"), Path.Combine(_dir, "state"));

    public EnableSpecs()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Config);
        File.WriteAllText(Path.Combine(Config, "web1.toml"), "os = \"linux\"\n");
        File.WriteAllText(Path.Combine(Config, "win.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CliResult Lodge(params string[] args) => CliRun.RunWith(Roots, [.. args, "--root", Root, "--config-dir", Config]);

    [Fact]
    public void I_can_enable_a_guest_a_handoff_guest_and_the_dashboard_and_systemd_analyze_verify_accepts_every_unit()
    {
        // Arrange: the system's unit folder below the root (verify needs sysinit.target, multi-user.target, ...)
        // and an executable at the path the units run.
        Assert.True(File.Exists("/usr/bin/systemd-analyze"), "systemd-analyze is missing: apt-get install systemd (run-tests installs it as root).");
        CopyTree("/usr/lib/systemd/system", Path.Combine(Root, "usr/lib/systemd/system"));
        Directory.CreateDirectory(Path.Combine(Root, "usr/local/bin"));
        File.WriteAllText(Path.Combine(Root, "usr/local/bin/lodge"), "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(Root, "usr/local/bin/lodge"), (UnixFileMode)0b111_101_101);
        }

        // Act
        var guest = Lodge("enable", "web1");
        var handoff = Lodge("enable", "win");
        var serve = Lodge("enable", "--serve", "--listen", "192.168.122.1:7420");

        // Assert
        foreach (var result in new[] { guest, handoff, serve })
        {
            Assert.True(result.ExitCode == 0, result.Out + result.Error);
            Assert.DoesNotContain("Warning", result.Error, StringComparison.Ordinal);
        }

        var units = Path.Combine(Root, "etc/systemd/system");
        Assert.Contains("ExecStart=/usr/local/bin/lodge up web1 --detach", File.ReadAllText(Path.Combine(units, "lodge-guest-web1.service")), StringComparison.Ordinal);
        Assert.Contains("ExecStop=/usr/local/bin/lodge down web1 --timeout 60", File.ReadAllText(Path.Combine(units, "lodge-guest-web1.service")), StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/local/bin/lodge up win\n", File.ReadAllText(Path.Combine(units, "lodge-guest-win.service")), StringComparison.Ordinal);
        Assert.Contains("After=lodge-rescue.service", File.ReadAllText(Path.Combine(units, "lodge-guest-win.service")), StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/local/bin/lodge serve --listen 192.168.122.1:7420", File.ReadAllText(Path.Combine(units, "lodge-serve.service")), StringComparison.Ordinal);
        foreach (var unit in new[] { "lodge-guest-web1.service", "lodge-guest-win.service", "lodge-serve.service" })
        {
            Assert.Equal($"/etc/systemd/system/{unit}", new FileInfo(Path.Combine(units, "multi-user.target.wants", unit)).LinkTarget);
            var verify = Verify(unit);
            Assert.True(verify.ExitCode == 0 && verify.Output.Length == 0, $"systemd-analyze verify {unit}: exit {verify.ExitCode}\n{verify.Output}");
        }
    }

    [Fact]
    public void I_can_see_in_status_which_guests_and_whether_the_dashboard_start_at_boot_and_disable_them_again()
    {
        // Arrange
        Assert.Equal(0, Lodge("enable", "web1").ExitCode);
        Assert.Equal(0, Lodge("enable", "--serve").ExitCode);

        // Act
        var status = JsonNode.Parse(Lodge("status", "--json").Out)!["enabled"]!;
        var text = Lodge("status").Console;
        var disabled = Lodge("disable", "web1");
        var again = Lodge("disable", "web1");
        var serveOff = Lodge("disable", "--serve");
        var after = JsonNode.Parse(Lodge("status", "--json").Out)!["enabled"]!;

        // Assert
        Assert.Equal(["web1"], status["guests"]!.AsArray().Select(x => (string?)x));
        Assert.True((bool)status["serve"]!);
        Assert.Contains("Starts at boot: 'web1', the dashboard.", text, StringComparison.Ordinal);
        Assert.Equal(0, disabled.ExitCode);
        Assert.Contains("no longer starts at boot", disabled.Out, StringComparison.Ordinal);
        Assert.Contains("was not enabled; nothing changed", again.Out, StringComparison.Ordinal);
        Assert.Equal(0, serveOff.ExitCode);
        Assert.Empty(after["guests"]!.AsArray());
        Assert.False((bool)after["serve"]!);
        Assert.False(File.Exists(Path.Combine(Root, "etc/systemd/system/lodge-guest-web1.service")));
        Assert.Null(new FileInfo(Path.Combine(Root, "etc/systemd/system/multi-user.target.wants/lodge-serve.service")).LinkTarget);
    }

    [Fact]
    public void I_can_try_to_enable_a_machine_that_does_not_exist_or_give_no_target_and_get_one_sentence_and_nothing_written()
    {
        // Act
        var missing = Lodge("enable", "nope");
        var neither = Lodge("enable");
        var both = Lodge("enable", "web1", "--serve");

        // Assert
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("There is no machine 'nope'", missing.Error, StringComparison.Ordinal);
        Assert.Equal(3, neither.ExitCode);
        Assert.Contains("takes either a machine's name or --serve", neither.Error, StringComparison.Ordinal);
        Assert.Equal(3, both.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(Root, "etc")));
    }

    private (int ExitCode, string Output) Verify(string unit)
    {
        var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "verify", "--man=no", $"--root={Root}", unit })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, (stdout.Result + stderr.Result).Trim());
    }

    // Files, folders and links as they are (a unit folder is mostly links to other units).
    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo)
            {
                CopyTree(entry.FullName, target);
            }
            else
            {
                File.Copy(entry.FullName, target);
            }
        }
    }
}
