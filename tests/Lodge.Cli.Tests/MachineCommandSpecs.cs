using Lodge.Testing;

namespace Lodge.Cli.Tests;

public sealed class MachineCommandSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-machines-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void I_can_create_a_machine_with_host_aware_defaults_and_check_it_is_valid()
    {
        // Arrange
        var root = RepoPaths.Host("GH-mathewlear-X670EI");

        // Act
        var created = CliRun.Run("new", "win11", "--os", "windows11", "--root", root, "--config-dir", _dir);
        var checkedResult = CliRun.Run("check", "win11", "--root", root, "--config-dir", _dir);

        // Assert
        Assert.Equal(0, created.ExitCode);
        var text = File.ReadAllText(Path.Combine(_dir, "win11.toml"));
        Assert.Contains("device = \"10de:2206\"", text, StringComparison.Ordinal);
        Assert.Contains("type = \"uefi-secure\"", text, StringComparison.Ordinal);
        Assert.Equal(0, checkedResult.ExitCode);
        Assert.Contains("valid.", checkedResult.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_create_a_machine_that_borrows_the_only_gpu_when_it_is_the_boot_vga()
    {
        // Act
        var created = CliRun.Run("new", "lin", "--os", "linux", "--root", RepoPaths.Host("EADE3920D9"), "--config-dir", _dir);

        // Assert: the discrete card the host boots on goes to the guest through a handoff
        Assert.Equal(0, created.ExitCode);
        var text = File.ReadAllText(Path.Combine(_dir, "lin.toml"));
        Assert.Contains("mode = \"handoff\"", text, StringComparison.Ordinal);
        Assert.Contains("at 0000:06:00.0", text, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_check_a_bad_machine_and_get_every_problem_with_its_place_and_exit_code_3()
    {
        // Arrange
        File.WriteAllText(Path.Combine(_dir, "bad.toml"), "os = \"windows11\"\n[memory]\nsize = \"16Q\"\n[cpu]\ncoers = 4\n");

        // Act
        var result = CliRun.Run("check", "bad", "--root", RepoPaths.Host("GH-mathewlear-X670EI"), "--config-dir", _dir);

        // Assert
        Assert.Equal(3, result.ExitCode);
        var file = Path.Combine(_dir, "bad.toml");
        Assert.Contains($"{file}:3:8: error: '16Q' is not a size.", result.Out, StringComparison.Ordinal);
        Assert.Contains($"{file}:5:1: error: The key 'coers' is not known in [cpu].\n  fix: Did you mean 'cores'?", result.Out, StringComparison.Ordinal);
        Assert.Contains("Windows 11 needs a TPM 2.0", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_check_a_machine_that_does_not_exist_and_get_an_error()
    {
        // Act
        var result = CliRun.Run("check", "ghost", "--root", RepoPaths.Host("GH-mathewlear-X670EI"), "--config-dir", _dir);

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("There is no machine 'ghost'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_try_to_create_a_machine_twice_and_get_an_error()
    {
        // Arrange
        var root = RepoPaths.Host("GH-mathewlear-X670EI");
        CliRun.Run("new", "a", "--os", "linux", "--root", root, "--config-dir", _dir);

        // Act
        var again = CliRun.Run("new", "a", "--os", "linux", "--root", root, "--config-dir", _dir);

        // Assert
        Assert.Equal(3, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void I_can_list_the_machines_with_their_os_and_gpu()
    {
        // Arrange
        var root = RepoPaths.Host("GH-mathewlear-X670EI");
        CliRun.Run("new", "mac", "--os", "macos", "--gpu", "none", "--root", root, "--config-dir", _dir);
        CliRun.Run("new", "win", "--os", "windows10", "--root", root, "--config-dir", _dir);

        // Act
        var result = CliRun.Run("list", "--config-dir", _dir);

        // Assert
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"mac\s+macos\s+auto \(virtio\)", result.Console);
        Assert.Matches(@"win\s+windows10\s+10de:2206 \(dedicated\)", result.Console);
    }
}
