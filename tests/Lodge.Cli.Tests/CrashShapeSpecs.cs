using Lodge.Testing;

namespace Lodge.Cli.Tests;

// Issue 10 item 10: inputs that crashed with exit 70 now get one clear sentence (exit 3) that names the place.
public sealed class CrashShapeSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-crash-shapes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void I_can_list_and_check_machines_beside_one_nested_too_deep_and_one_too_large_and_only_those_two_fail()
    {
        // Arrange
        File.WriteAllText(Path.Combine(_dir, "deep.toml"), $"os = \"linux\"\nx = {new string('[', 100)}{new string(']', 100)}\n");
        using (var writer = new StreamWriter(Path.Combine(_dir, "huge.toml")))
        {
            writer.Write("os = \"linux\"\n");
            for (var i = 0; i < 1200; i++)
            {
                writer.Write($"# {new string('x', 1000)}\n");
            }
        }

        File.WriteAllText(Path.Combine(_dir, "good.toml"), "os = \"linux\"\n");

        // Act
        var list = CliRun.Run("list", "--config-dir", _dir);
        var deep = CliRun.Run("check", "deep", "--config-dir", _dir, "--root", RepoPaths.Host("EADE3920D9"));
        var huge = CliRun.Run("check", "huge", "--config-dir", _dir, "--root", RepoPaths.Host("EADE3920D9"));
        var good = CliRun.Run("check", "good", "--config-dir", _dir, "--root", RepoPaths.Host("EADE3920D9"));

        // Assert
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("deep (invalid)", list.Console, StringComparison.Ordinal);
        Assert.Contains("huge (invalid)", list.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("good (invalid)", list.Console, StringComparison.Ordinal);
        Assert.Equal(3, deep.ExitCode);
        Assert.Contains($"{Path.Combine(_dir, "deep.toml")}' nests arrays or tables deeper than 64 levels", deep.Out + deep.Console, StringComparison.Ordinal);
        Assert.Equal(3, huge.ExitCode);
        Assert.Contains("more than a machine file may be (1024 KiB)", huge.Out + huge.Console, StringComparison.Ordinal);
        Assert.NotEqual(70, good.ExitCode);
        Assert.DoesNotContain("deep", good.Out + good.Console, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--fail-at", "99")]
    [InlineData("--fail-at", "-1")]
    [InlineData("--hang-at", "0")]
    [InlineData("--crash-at", "99")]
    public void I_can_try_to_inject_a_fault_at_a_step_the_plan_does_not_have_and_get_the_valid_range(string option, string step)
    {
        // Arrange
        File.WriteAllText(Path.Combine(_dir, "win.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\n");

        // Act
        var result = CliRun.Run(["gpu", "handoff", "win", "--root", RepoPaths.Host("EADE3920D9"), "--config-dir", _dir, "--simulate", option, step]);

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Matches($"Error: {option} {step} is outside the plan of 'win', which has steps 1 to \\d+\\.", result.Error);
    }

    [Fact]
    public void I_can_try_to_create_a_machine_with_a_300_character_name_and_get_the_limit()
    {
        // Act
        var result = CliRun.Run("new", new string('a', 300), "--os", "linux", "--config-dir", _dir, "--root", RepoPaths.Host("EADE3920D9"));

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Use up to 64 letters", result.Error, StringComparison.Ordinal); // the shared name rule (item 8)
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Theory]
    [InlineData("{\"format\":\"lodge-report\",\"version\":1e30,\"reports\":[]}", "format version")]
    [InlineData("{\"format\":\"lodge-report\",\"version\":1,\"reports\":[{\"hardware\":5,\"guest\":[],\"result\":\"x\",\"recorded\":\"2026-01-01\"}]}", "lacks one of")]
    public void I_can_try_to_import_a_report_with_absurd_values_and_get_a_clear_error(string json, string expected)
    {
        // Arrange
        var file = Path.Combine(_dir, "r.json");
        File.WriteAllText(file, json);

        // Act
        var result = CliRun.Run("report", "import", file, "--reports-db", Path.Combine(_dir, "reports.db"));

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_write_into_a_read_only_folder_and_get_one_sentence_without_a_stack_trace()
    {
        // Arrange: /proc refuses new files even to root.
        var readOnly = "/proc/lodge-read-only-spec";

        // Act
        var result = CliRun.Run("new", "win", "--os", "linux", "--config-dir", readOnly, "--root", RepoPaths.Host("EADE3920D9"));

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("Error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("lodge-read-only-spec", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("bug", result.Error, StringComparison.Ordinal);
    }
}
