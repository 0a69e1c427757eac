using Lodge.Linux.Runtime;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>Issue 10 item 14: what QEMU would refuse later is caught by check, paths follow the environment, small CLI contracts.</summary>
public sealed class CheckLimitSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CliResult Check(string toml, string host)
    {
        File.WriteAllText(Path.Combine(_dir, "m.toml"), toml);
        return CliRun.Run("check", "m", "--root", RepoPaths.Host(host), "--config-dir", _dir);
    }

    [Fact]
    public void I_can_check_a_machine_that_asks_for_more_memory_than_the_host_and_get_a_warning_above_available_and_an_error_above_total()
    {
        // Arrange: real-virtio-vm has 24683620 kB in total and 24333324 kB available.
        const string Head = "os = \"linux\"\n[gpu]\nmode = \"virtio\"\n[memory]\n";

        // Act
        var fits = Check(Head + "size = \"16G\"\n", "real-virtio-vm");
        var aboveAvailable = Check(Head + "size = \"23900M\"\n", "real-virtio-vm");
        var aboveTotal = Check(Head + "size = \"64G\"\n", "real-virtio-vm");

        // Assert
        Assert.Equal(0, fits.ExitCode);
        Assert.DoesNotContain("memory", fits.Out, StringComparison.Ordinal);
        Assert.Equal(0, aboveAvailable.ExitCode);
        Assert.Contains("m.toml:5:1: warning: The guest asks for 23.3 GiB of memory, and this host has 23.2 GiB available now.", aboveAvailable.Out, StringComparison.Ordinal);
        Assert.Equal(3, aboveTotal.ExitCode);
        Assert.Contains("m.toml:5:1: error: The guest asks for 64 GiB of memory, and this host has 23.5 GiB in total.", aboveTotal.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_check_an_absurd_disk_size_and_get_an_error()
    {
        // Act
        var result = Check("os = \"linux\"\n[gpu]\nmode = \"virtio\"\n[[disk]]\npath = \"d.qcow2\"\nsize = \"900T\"\n", "real-virtio-vm");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("m.toml:6:1: error: The disk size 921600 GiB is more than 65536 GiB, which no guest disk needs.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_check_duplicate_and_absent_usb_devices_and_get_an_error_and_a_warning()
    {
        // Arrange: GH-mathewlear-X670EI has 046d:c52b (a Logitech receiver) on 9-1, and no 1234:5678.
        const string Toml = "os = \"linux\"\n[gpu]\nmode = \"virtio\"\n[[usb]]\ndevice = \"046d:c52b\"\n[[usb]]\ndevice = \"046D:C52B\"\n[[usb]]\ndevice = \"1234:5678\"\n[[usb]]\ndevice = \"port:9-1\"\n";

        // Act
        var result = Check(Toml, "GH-mathewlear-X670EI");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("m.toml:7:1: error: This [[usb]] entry repeats entry 1 ('046D:C52B')", result.Out, StringComparison.Ordinal);
        Assert.Contains("m.toml:9:1: warning: No USB device '1234:5678' is plugged into this host now.", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("'port:9-1'", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("'046d:c52b' is plugged", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_check_a_share_tag_too_long_for_virtiofsds_socket_and_get_an_error()
    {
        // Act
        var result = Check($"os = \"linux\"\n[gpu]\nmode = \"virtio\"\n[[share]]\nhost = \"{_dir}\"\ntag = \"{new string('t', 90)}\"\n", "real-virtio-vm");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("m.toml:6:1: error: The share tag", result.Out, StringComparison.Ordinal);
        Assert.Contains("a unix socket path holds at most 107", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_create_a_machine_for_the_boot_gpu_by_id_and_check_accepts_what_new_wrote()
    {
        // Arrange: EADE3920D9's only GPU (1002:73df at 0000:06:00.0) is the boot VGA.
        var root = RepoPaths.Host("EADE3920D9");

        // Act
        var created = CliRun.Run("new", "boot", "--os", "linux", "--gpu", "1002:73df", "--root", root, "--config-dir", _dir);
        var check = CliRun.Run("check", "boot", "--root", root, "--config-dir", _dir);

        // Assert
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("mode = \"handoff\"", File.ReadAllText(Path.Combine(_dir, "boot.toml")), StringComparison.Ordinal);
        Assert.DoesNotContain("dedicated-boot-vga", check.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("is the boot VGA", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_see_plan_and_args_use_the_run_and_state_folders_the_environment_names()
    {
        // Arrange
        var roots = new RuntimeRoots(Path.Combine(_dir, "run"), Path.Combine(_dir, "state"));
        File.WriteAllText(Path.Combine(_dir, "m.toml"), "os = \"linux\"\n[gpu]\nmode = \"virtio\"\n[[disk]]\npath = \"system.qcow2\"\n");

        // Act
        var plan = CliRun.RunWith(roots, "plan", "m", "--json", "--config-dir", _dir, "--root", RepoPaths.Host("real-virtio-vm"));
        var args = CliRun.RunWith(roots, "args", "m", "--config-dir", _dir, "--root", RepoPaths.Host("real-virtio-vm"));

        // Assert
        Assert.Equal(0, plan.ExitCode);
        Assert.Contains($"\"run_dir\": \"{_dir}/run/m\"", plan.Out, StringComparison.Ordinal);
        Assert.Contains($"\"state_dir\": \"{_dir}/state/m\"", plan.Out, StringComparison.Ordinal);
        Assert.Contains($"{_dir}/run/m/qmp.sock", args.Out, StringComparison.Ordinal);
        Assert.Contains($"{_dir}/state/m/system.qcow2", args.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("/run/lodge/", args.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_see_the_reports_database_follow_the_state_folder()
    {
        // Act
        var path = Lodge.App.LodgePaths.Resolve(Lodge.App.LodgeOptions.FromProcess() with { Environment = CliRun.Environment(new RuntimeRoots("/tmp/r", "/tmp/s")) }).ReportsDatabase;

        // Assert
        Assert.Equal("/tmp/s/reports.db", path);
    }

    [Fact]
    public void I_can_see_short_lived_files_go_where_TMPDIR_says_and_to_tmp_without_it()
    {
        // Arrange: the environment as the composition root reads it, never the process's
        var options = Lodge.App.LodgeOptions.FromProcess();

        // Act
        var set = Lodge.App.LodgePaths.Resolve(options with { Environment = name => name == "TMPDIR" ? "/scratch/x" : null }).Scratch;
        var unset = Lodge.App.LodgePaths.Resolve(options with { Environment = _ => null }).Scratch;
        var empty = Lodge.App.LodgePaths.Resolve(options with { Environment = name => name == "TMPDIR" ? "" : null }).Scratch;

        // Assert
        Assert.Equal("/scratch/x", set);
        Assert.Equal("/tmp", unset);
        Assert.Equal("/tmp", empty);
    }

    [Fact]
    public void I_can_run_lodge_with_no_command_and_get_help()
    {
        // Act
        var result = CliRun.Run();

        // Assert
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
        Assert.Contains("check", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_run_export_without_a_format_and_get_a_usage_error()
    {
        // Arrange
        File.WriteAllText(Path.Combine(_dir, "m.toml"), "os = \"linux\"\n");

        // Act
        var result = CliRun.Run("export", "m", "--config-dir", _dir);

        // Assert
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("needs a format", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_attach_an_absent_usb_device_and_get_lodges_own_message()
    {
        // Act
        var result = CliRun.Run("usb", "attach", "m", "1234:5678", "--root", RepoPaths.Host("GH-mathewlear-X670EI"));

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("Error: No USB device '1234:5678' is plugged into this host, so there is nothing to attach to 'm'.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_rate_with_a_note_full_of_terminal_escapes_and_see_it_escaped()
    {
        // Arrange: a recorded attempt to rate, then a note that would clear the screen and reverse the text.
        var db = Path.Combine(_dir, "reports.db");
        var host = new Lodge.Linux.Sysfs.SysfsScanner(new Lodge.Linux.HostRoot(RepoPaths.Host("EADE3920D9"))).Scan();
        var machine = new Lodge.Core.Machines.MachineConfig("m", "/etc/lodge/machines/m.toml");
        using (var store = Lodge.Linux.Reports.ReportStore.Open(db))
        {
            store.Add(Lodge.Core.Reports.ReportFactory.Create(host, machine, null, new Lodge.Core.Reports.ReportResult(true, true, null, null, null), new DateTimeOffset(2026, 11, 27, 10, 30, 0, TimeSpan.Zero)));
        }

        // Act
        var rate = CliRun.Run("report", "rate", "m", "bad", "ok\u001b[2J\u001b]0;pwned\u0007 \u202etxt.exe", "--reports-db", db);
        var list = CliRun.Run("report", "list", "--reports-db", db);
        var show = CliRun.Run("report", "show", "1", "--reports-db", db);

        // Assert
        Assert.Equal(0, rate.ExitCode);
        Assert.Contains("bad:ok\\x1b[2J\\x1b]0;pwned\\x07\\u202etxt.exe", list.Console.Replace("\n", string.Empty, StringComparison.Ordinal).Replace("│", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", list.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202e", list.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202e", show.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", show.Out, StringComparison.Ordinal);
    }
}
