using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Processes;

public class StartGateSpecs
{
    [Fact]
    public async Task A_gated_child_reads_go_once_the_gate_opens_and_then_end_of_file()
    {
        // Arrange: cat copies its stdin (the gate) to its log until end-of-file
        using var tree = new HostTreeBuilder();
        var log = tree.RealPath("/child.log");
        using var gate = StartGate.Create();
        var child = SpawnedProcess.Start(["cat"], log, gate: gate);

        // Act
        var opened = gate.Open();
        var exit = await child.Exited.WaitAsync(Patience.Event);

        // Assert
        Assert.True(opened);
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal("go\n", await File.ReadAllTextAsync(log));
    }

    [Fact]
    public async Task A_gate_closed_unopened_gives_the_child_end_of_file_and_nothing_else()
    {
        // Arrange
        using var tree = new HostTreeBuilder();
        var log = tree.RealPath("/child.log");
        var gate = StartGate.Create();
        var child = SpawnedProcess.Start(["cat"], log, gate: gate);

        // Act
        gate.Dispose();
        var exit = await child.Exited.WaitAsync(Patience.Event);

        // Assert
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(string.Empty, await File.ReadAllTextAsync(log));
        Assert.False(gate.Open());
    }

    [Fact]
    public async Task No_other_child_inherits_either_end_of_a_gate()
    {
        // Arrange: a gated child waits; a second child started meanwhile lists its own open files. The test host has
        // pipes of its own that its children inherit; only those may show.
        using var tree = new HostTreeBuilder();
        var hostPipes = OwnPipes();
        using var gate = StartGate.Create();
        var waiting = SpawnedProcess.Start(["cat"], tree.RealPath("/waiting.log"), gate: gate);
        var log = tree.RealPath("/other.log");

        // Act
        var other = SpawnedProcess.Start(["find", "/proc/self/fd/", "-mindepth", "1", "-printf", "%l\\n"], log);
        await other.Exited.WaitAsync(Patience.Event);
        gate.Open();
        await waiting.Exited.WaitAsync(Patience.Event);

        // Assert: stdin is /dev/null, and no pipe but the test host's
        var targets = await File.ReadAllLinesAsync(log);
        Assert.Contains("/dev/null", targets);
        Assert.Empty(targets.Where(t => t.StartsWith("pipe:", StringComparison.Ordinal)).Except(hostPipes));
    }

    private static HashSet<string> OwnPipes() =>
        Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .OfType<string>()
            .Where(t => t.StartsWith("pipe:", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
}
