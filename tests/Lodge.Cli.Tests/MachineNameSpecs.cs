using Lodge.Linux.Runtime;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

/// <summary>Issue 10 item 8: one machine-name rule at the boundary of every command, and export never overwrites a machine.</summary>
public sealed class MachineNameSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-names-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void I_can_try_to_read_the_logs_of_a_path_and_get_it_refused_before_anything_is_read()
    {
        // Arrange: a log that '../evil' would reach from the run folder.
        var roots = new RuntimeRoots(Path.Combine(_dir, "run"), Path.Combine(_dir, "state"));
        Directory.CreateDirectory(Path.Combine(_dir, "evil"));
        File.WriteAllText(Path.Combine(_dir, "evil", "secret.log"), "do not print me");

        // Act
        var result = CliRun.RunWith(roots, "logs", "../evil");

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.StartsWith("Error: '../evil' is not a machine name.\n", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("do not print me", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("logs")]
    [InlineData("console")]
    [InlineData("status")]
    [InlineData("up")]
    [InlineData("down")]
    [InlineData("plan")]
    [InlineData("args")]
    [InlineData("check")]
    [InlineData("new", "--os", "linux")]
    [InlineData("export", "--libvirt")]
    [InlineData("usb", "attach", "{0}", "046d:c52b")]
    [InlineData("gpu", "handoff", "{0}", "--dry-run")]
    [InlineData("report", "rate", "{0}", "good")]
    public void I_can_try_every_command_that_takes_a_name_with_a_bad_one_and_get_the_same_refusal(params string[] command)
    {
        foreach (var bad in new[] { "../evil", "/etc/passwd", ".hidden", "a b", "x\u001b[2J", new string('a', 300) })
        {
            // Arrange
            string[] args = command.Contains("{0}") ? [.. command.Select(a => a == "{0}" ? bad : a)] : [command[0], bad, .. command[1..]];

            // Act
            var result = CliRun.Run([.. args, "--config-dir", _dir]);

            // Assert
            Assert.True(result.ExitCode == 3, $"lodge {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
            Assert.True(result.Error.Contains("is not a machine name.", StringComparison.Ordinal) || result.Error.Contains("a machine name has at most 64.", StringComparison.Ordinal), result.Error);
            Assert.DoesNotContain("\u001b", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void I_can_try_a_name_that_would_not_fit_its_socket_paths_below_a_long_run_folder_and_get_the_room_left()
    {
        // Arrange: 86 bytes of run folder leave 107 - 86 - "/" - "/serial.sock" = 8 characters for a name.
        var runRoot = "/tmp/" + new string('r', 81);
        var roots = new RuntimeRoots(runRoot, Path.Combine(_dir, "state"));

        // Act
        var tooLong = CliRun.RunWith(roots, "status", "ninechars");
        var fits = CliRun.RunWith(roots, "status", "eightchr");

        // Assert
        Assert.Equal(3, tooLong.ExitCode);
        Assert.Contains("The machine name 'ninechars' is too long for its sockets", tooLong.Error, StringComparison.Ordinal);
        Assert.Contains("Use a name of at most 8 characters, or a shorter LODGE_RUN_DIR.", tooLong.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("machine name", fits.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_export_over_a_machine_definition_or_an_existing_file_and_get_it_refused_unless_forced()
    {
        // Arrange
        var root = RepoPaths.Host("GH-mathewlear-X670EI");
        File.WriteAllText(Path.Combine(_dir, "m.toml"), "os = \"linux\"\n[gpu]\nmode = \"virtio\"\n");
        File.WriteAllText(Path.Combine(_dir, "other.toml"), "os = \"linux\"\n");
        var existing = Path.Combine(_dir, "m.xml");
        File.WriteAllText(existing, "keep me");

        // Act
        var overMachine = CliRun.Run("export", "m", "--libvirt", "-o", Path.Combine(_dir, "other.toml"), "--force", "--root", root, "--config-dir", _dir);
        var overFile = CliRun.Run("export", "m", "--libvirt", "-o", existing, "--root", root, "--config-dir", _dir);
        var keptAfterRefusal = File.ReadAllText(existing);
        var forced = CliRun.Run("export", "m", "--libvirt", "-o", existing, "--force", "--root", root, "--config-dir", _dir);

        // Assert
        Assert.Equal(3, overMachine.ExitCode);
        Assert.Contains("is a machine definition", overMachine.Error, StringComparison.Ordinal);
        Assert.Equal("os = \"linux\"\n", File.ReadAllText(Path.Combine(_dir, "other.toml")));
        Assert.Equal(3, overFile.ExitCode);
        Assert.Contains("already exists", overFile.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", keptAfterRefusal);
        Assert.Equal(0, forced.ExitCode);
        Assert.StartsWith("<domain", File.ReadAllText(existing), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir, ".*lodge-tmp*"));
    }
}
