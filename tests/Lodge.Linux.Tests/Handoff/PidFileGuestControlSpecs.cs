using Lodge.Linux.Handoff;
using Lodge.Testing;
using Lodge.Testing.Processes;

namespace Lodge.Linux.Tests.Handoff;

// What rescue does with /run/lodge/<guest>/qemu.pid (written by the runtime while QEMU runs).
public sealed class PidFileGuestControlSpecs
{
    [Fact(Timeout = 15000)]
    public async Task I_can_rescue_a_guest_whose_QEMU_still_runs_and_it_is_sent_SIGTERM_then_SIGKILL()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/run/lodge/win/qemu.pid", "4242\n")
            .File("/proc/4242/cmdline", "qemu-system-x86_64\0-name\0guest=win\0");
        var runner = new RecordingProcessRunner();

        // Act
        await new PidFileGuestControl(tree.Host, runner, Lodge.Linux.Runtime.RuntimeRoots.DefaultRunRoot).StopAsync("win");

        // Assert: the tree's /proc/4242 never goes away, so the kill follows the term.
        Assert.Equal("kill -TERM 4242\nkill -KILL 4242\n", runner.Transcript);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_rescue_with_a_stale_pid_file_whose_pid_is_now_another_process_and_nothing_is_signalled()
    {
        // Arrange
        using var tree = new HostTreeBuilder()
            .File("/run/lodge/win/qemu.pid", "4242\n")
            .File("/proc/4242/cmdline", "sshd\0-D\0");
        var runner = new RecordingProcessRunner();

        // Act
        await new PidFileGuestControl(tree.Host, runner, Lodge.Linux.Runtime.RuntimeRoots.DefaultRunRoot).StopAsync("win");

        // Assert
        Assert.Empty(runner.Commands);
    }
}
