using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Processes;

public class ProcessRunnerSpecs
{
    [Fact(Timeout = 15000)]
    public async Task I_can_run_a_program_and_get_its_exit_code_and_both_output_streams()
    {
        // Arrange
        using var tree = new HostTreeBuilder();
        var script = Script(tree, "/prog", "echo out; echo err >&2; exit 3");

        // Act
        var result = await new ProcessRunner().RunAsync(script, [], TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal(new ProcessResult(3, "out\n", "err\n"), result);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_pass_arguments_that_a_shell_would_split_or_expand_and_get_them_verbatim()
    {
        // Arrange
        using var tree = new HostTreeBuilder();
        var script = Script(tree, "/prog", "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done");

        // Act
        var result = await new ProcessRunner().RunAsync(script, ["two words", "$HOME", "'quoted'", "; rm -rf /"], TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal("[two words]\n[$HOME]\n['quoted']\n[; rm -rf /]\n", result.StandardOutput);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_run_a_program_that_hangs_and_get_a_timeout_after_it_is_killed()
    {
        // Arrange
        using var tree = new HostTreeBuilder();
        var script = Script(tree, "/prog", "echo started; exec sleep 30");

        // Act
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await new ProcessRunner().RunAsync(script, [], TimeSpan.FromMilliseconds(300));

        // Assert
        Assert.True(result.TimedOut);
        Assert.Equal("started\n", result.StandardOutput);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_try_to_run_a_program_that_does_not_exist_and_get_an_error_naming_it()
    {
        // Arrange
        using var tree = new HostTreeBuilder();
        var missing = tree.RealPath("/no/such/program");

        // Act
        var error = await Assert.ThrowsAsync<HostProcessException>(() => new ProcessRunner().RunAsync(missing, [], TimeSpan.FromSeconds(5)));

        // Assert
        Assert.Equal(missing, error.File);
        Assert.Equal($"Cannot start '{missing}'.", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void I_can_ask_a_program_its_version_and_get_the_first_line_it_prints()
    {
        // Arrange
        using var tree = new HostTreeBuilder();
        var script = Script(tree, "/qemu", "[ \"$1\" = --version ] || exit 1\necho 'QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)'\necho 'Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers'");

        // Act
        var line = new ProcessToolVersionProbe().Probe(script);

        // Assert
        Assert.Equal("QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)", line);
    }

    [Theory]
    [InlineData("echo 'version 1'; exit 2")]
    [InlineData("true")]
    public void I_get_no_version_from_a_program_that_fails_or_prints_nothing(string body)
    {
        // Arrange
        using var tree = new HostTreeBuilder();
        var script = Script(tree, "/prog", body);

        // Act
        var line = new ProcessToolVersionProbe().Probe(script);

        // Assert
        Assert.Null(line);
    }

    [Fact]
    public void I_get_no_version_from_a_program_that_does_not_exist()
    {
        // Arrange
        using var tree = new HostTreeBuilder();

        // Act
        var line = new ProcessToolVersionProbe().Probe(tree.RealPath("/usr/bin/qemu-system-x86_64"));

        // Assert
        Assert.Null(line);
    }

    private static string Script(HostTreeBuilder tree, string hostPath, string body)
    {
        tree.File(hostPath, "#!/bin/sh\n" + body + "\n");
        var real = tree.RealPath(hostPath);
        File.SetUnixFileMode(real, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return real;
    }
}
