using Lodge.Linux.Host;
using Lodge.Linux.Processes;

namespace Lodge.Linux.Tests.Host;

// Issue 13: modprobe (and every kernel write) runs as a child of its own with a bounded wait; one that never returns is
// left where the kernel holds it and named as the writer, and Lodge goes on. Real child processes.
public sealed class ChildKernelWriteSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodge-child-write-").FullName;
    private readonly List<(int Pid, long Start)> _left = [];

    public void Dispose()
    {
        foreach (var (pid, start) in _left)
        {
            ProcessTable.Signal(pid, start, 9);
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact(Timeout = 30000)]
    public async Task A_modprobe_that_never_returns_times_out_in_its_own_child_which_is_named_as_the_writer()
    {
        // Arrange: a 'modprobe -r' that sits where the kernel would hold it.
        var modules = new ModprobeModuleControl(new NoRunner(), Script("stuck-modprobe", "sleep 60")) { OwnChild = true };

        // Act
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<HostWriteTimeoutException>(() => modules.UnloadModuleAsync("amdgpu", TimeSpan.FromMilliseconds(500)));
        clock.Stop();
        if (e.Writer is { } w)
        {
            _left.Add(w);
        }

        // Assert: bounded, named, and the named process is the stuck child (not lodge), alive.
        Assert.Equal(HostAction.UnloadModule, e.Action);
        Assert.Equal("amdgpu", e.Target);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), clock.Elapsed.ToString());
        var (pid, start) = Assert.NotNull(e.Writer);
        Assert.NotEqual(Environment.ProcessId, pid);
        Assert.True(ProcessTable.IsAlive(pid, start));
        Assert.Equal($"{pid} {start}", e.WriterText);
        Assert.True(Lodge.Linux.Handoff.HandoffExecutor.IsStuckKernelWrite(e));
    }

    [Fact(Timeout = 30000)]
    public async Task A_modprobe_that_fails_in_its_child_carries_its_stderr()
    {
        // Arrange
        var modules = new ModprobeModuleControl(new NoRunner(), Script("failing-modprobe", "echo 'modprobe: FATAL: Module amdgpu is in use.' >&2; exit 1")) { OwnChild = true };

        // Act
        var e = await Assert.ThrowsAsync<HostWriteException>(() => modules.UnloadModuleAsync("amdgpu", TimeSpan.FromSeconds(20)));

        // Assert
        Assert.IsNotType<HostWriteTimeoutException>(e);
        Assert.Contains("-r amdgpu' failed with exit code 1: modprobe: FATAL: Module amdgpu is in use.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_child_of_a_console_write_reads_it_back_and_says_when_the_kernel_did_not_act_on_it()
    {
        // Arrange: a bind file that keeps what is written, and one that never shows it (/dev/null reads empty).
        var bind = Path.Combine(_dir, "bind");
        File.WriteAllText(bind, "1\n");
        using var error = new StringWriter();

        // Act
        var taken = ChildProcessWrite.WriteAndReadBack(bind, "0\n", error);
        var ignored = ChildProcessWrite.WriteAndReadBack("/dev/null", "1\n", error);

        // Assert
        Assert.Equal(0, taken);
        Assert.Equal("0", File.ReadAllText(bind).Trim());
        Assert.Equal(2, ignored);
        Assert.Contains("after 1 was written to it five times: the kernel did not act on it", error.ToString(), StringComparison.Ordinal);
    }

    private string Script(string name, string body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    // The child path never uses the runner.
    private sealed class NoRunner : IProcessRunner
    {
        public ProcessResult Run(string file, IReadOnlyList<string> arguments, TimeSpan timeout) => throw new InvalidOperationException("The runner must not be used.");

        public Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The runner must not be used.");
    }
}
