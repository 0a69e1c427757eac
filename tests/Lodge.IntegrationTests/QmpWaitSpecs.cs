using System.Diagnostics;
using System.Text.RegularExpressions;
using Lodge.Linux.Runtime;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>Issue 12 (lab scenario 10 on 6.12): QEMU answers QMP only once its machine is built (hugepages preallocated,
/// VFIO devices opened and mapped), which on a loaded host took longer than the 30 s Lodge used to allow. The runtime
/// waits while QEMU lives, up to 5 minutes, and says what it waits for. Lodge's clock runs faster here than the real one
/// (a scaled <see cref="TimeProvider"/>), so seconds of the real QEMU's delay are minutes for Lodge's limits.</summary>
public sealed partial class QmpWaitSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_start_a_guest_whose_QEMU_answers_QMP_only_after_more_than_30_s_and_am_told_meanwhile_what_Lodge_waits_for()
    {
        // Arrange: the demo guest's real QEMU, started 7 real seconds late (35 s of Lodge's clock at 5x).
        fixture.WriteSpec("slowqmp", "9p", fixture.NewShare("slowqmp"));
        var spec = fixture.Spec("slowqmp");
        spec = spec with { QemuArgv = ["sh", "-c", "sleep 7; exec \"$0\" \"$@\"", .. spec.QemuArgv] };
        var clock = new ScaledTime(5);
        var runtime = new GuestRuntime(fixture.Roots, time: clock);
        var lines = new List<string>();
        var progress = new SynchronousProgress(line => { lock (lines) { lines.Add(line); } });
        var begun = clock.GetTimestamp();

        // Act
        var guest = await runtime.StartAsync(spec, progress);
        var waited = clock.GetElapsedTime(begun);
        var running = runtime.Store.Read("slowqmp");
        Lodge.Linux.Processes.ProcessTable.Signal(guest.Qemu.Pid, Lodge.Linux.Processes.ProcessTable.StartTicks(guest.Qemu.Pid) ?? 0, 9);
        await guest.Exited.WaitAsync(Patience.Event);

        // Assert
        Assert.True(waited > TimeSpan.FromSeconds(30), $"QMP answered after {waited.TotalSeconds:0} s of Lodge's clock, within the old limit: the spec shows nothing.");
        Assert.Equal(Lodge.Linux.Runtime.GuestPhase.Running, running?.Phase);
        string[] waits;
        lock (lines)
        {
            waits = [.. lines.Where(l => l.Contains("is still starting after", StringComparison.Ordinal))];
        }

        Assert.True(waits.Length >= 2, string.Join(" | ", lines));
        Assert.Contains($"QEMU (pid {guest.Qemu.Pid}) is still starting after 15 s: it answers on QMP once it has allocated the guest's memory and opened its devices", waits[0], StringComparison.Ordinal);
        Assert.EndsWith("Lodge waits up to 300 s while QEMU lives", waits[0], StringComparison.Ordinal);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_start_a_QEMU_that_lives_but_never_answers_QMP_and_get_it_stopped_after_5_minutes_with_what_it_waited_for()
    {
        // Arrange: a "QEMU" that lives and never opens its QMP socket; Lodge's clock at 50x (5 minutes are 6 real s).
        fixture.WriteSpec("deafqmp", "9p", fixture.NewShare("deafqmp"));
        var spec = fixture.Spec("deafqmp") with { QemuArgv = ["sleep", "1000"] };
        var runtime = new GuestRuntime(fixture.Roots, time: new ScaledTime(50));

        // Act
        var error = await Assert.ThrowsAsync<GuestRuntimeException>(() => runtime.StartAsync(spec));
        var pid = int.Parse(PidIn().Match(error.Message).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // Assert
        Assert.StartsWith($"QEMU for 'deafqmp' (pid {pid}) is running but did not answer on its QMP socket '{spec.QmpSocket}' within 300 s, so Lodge stopped it.", error.Message, StringComparison.Ordinal);
        Assert.Contains("qemu.args", error.Hint, StringComparison.Ordinal);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"The QEMU that never answered (pid {pid}) still runs.");
        Assert.Null(runtime.Store.Read("deafqmp"));
    }

    [GeneratedRegex(@"\(pid (\d+)\)")]
    private static partial Regex PidIn();

    // Lodge's monotonic clock at FACTOR times the real one (its wall clock stays the real one).
    private sealed class ScaledTime(long factor) : TimeProvider
    {
        public override long GetTimestamp() => Stopwatch.GetTimestamp() * factor;
    }

    // Progress<T> posts to the thread pool, so lines could arrive after the start returned; this one reports at once.
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
