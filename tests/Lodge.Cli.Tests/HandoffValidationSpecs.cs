using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Lodge.Testing;

namespace Lodge.Cli.Tests;

// Issue 13 item 8: gpu handoff --dry-run and --simulate refuse what 'check' refuses, the same way; --simulate runs over a
// tree that holds device nodes.
public sealed class HandoffValidationSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-handoff-validate-").FullName;

    public HandoffValidationSpecs()
    {
        // The fixture's only GPU, 0000:06:00.0, is its boot VGA: 'dedicated' would take the running desktop's screen.
        File.WriteAllText(Path.Combine(_dir, "ded.toml"), "[gpu]\nmode = \"dedicated\"\ndevice = \"0000:06:00.0\"\n");
        File.WriteAllText(Path.Combine(_dir, "win.toml"), "[gpu]\nmode = \"handoff\"\ndevice = \"auto\"\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--dry-run")]
    [InlineData("--simulate")]
    public void I_can_dry_run_or_simulate_a_machine_check_refuses_and_get_the_same_refusal(string mode)
    {
        // Arrange
        var root = RepoPaths.Host("EADE3920D9");
        var check = CliRun.Run("check", "ded", "--root", root, "--config-dir", _dir);

        // Act
        var result = CliRun.Run("gpu", "handoff", "ded", mode, "--root", root, "--config-dir", _dir);

        // Assert: check's problem lines (all but its summary line), the same exit code, and no plan or JSON.
        Assert.Equal(3, check.ExitCode);
        var problems = check.Out.TrimEnd('\n').Split('\n')[..^1];
        Assert.Contains("The GPU 0000:06:00.0 is the boot VGA, which the host console uses.", problems[0], StringComparison.Ordinal);
        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith(string.Join('\n', problems) + "\n", result.Error, StringComparison.Ordinal);
        Assert.Contains("Error: The machine 'ded' has 1 error(s), so it cannot be planned.", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task I_can_simulate_over_a_tree_with_device_nodes_fifos_and_sockets_and_the_host_is_restored()
    {
        // Arrange: a captured tree as 'cp -a' of a real root would hold them (a fifo blocks a reader until a writer comes).
        var tree = Path.Combine(_dir, "tree");
        Copy(RepoPaths.Host("EADE3920D9"), tree);
        Directory.CreateDirectory(Path.Combine(tree, "dev/dri"));
        Run("mkfifo", Path.Combine(tree, "dev/initctl"));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(tree, "dev/log")));
        var nodes = Environment.UserName == "root";
        if (nodes)
        {
            Run("mknod", Path.Combine(tree, "dev/dri/card0"), "c", "226", "0");
            Run("mknod", Path.Combine(tree, "dev/loop0"), "b", "7", "0");
        }

        // Act
        var result = await Task.Run(() => CliRun.Run("gpu", "handoff", "win", "--simulate", "--root", tree, "--config-dir", _dir)).WaitAsync(TimeSpan.FromMinutes(3));

        // Assert
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.True(json.RootElement.GetProperty("restored").GetBoolean());
        Assert.True(File.Exists(Path.Combine(tree, "dev/initctl")), "the fifo of the original tree is left alone");
        if (nodes)
        {
            Assert.True(File.Exists(Path.Combine(tree, "dev/dri/card0")));
        }
    }

    private static void Copy(string from, string to)
    {
        Run("cp", "-a", from, to);
    }

    private static void Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program}: {error}");
    }
}
