using Lodge.Core.Handoff;
using Lodge.Linux.Handoff;

namespace Lodge.Linux.Tests.Handoff;

// Issue 13: a guest whose stop waits for ACPI as long as its machine's shutdown_timeout allows (RuntimeGuestControl) says
// how long its stop may take; the way back waits that long, not the guest step's timeout, so it never unbinds a GPU that
// a guest still holds.
public sealed class GuestStopWithinSpecs
{
    [Fact]
    public async Task The_way_back_waits_as_long_as_the_guests_own_stop_may_take_before_it_gives_the_GPU_back()
    {
        // Arrange: the watchdog stops the guest; its stop takes 1.5 s, the guest step allows 300 ms, the guest says 30 s.
        using var rig = new HandoffRig("EADE3920D9");
        rig.Guest = new(rig.Kernel, rig.Plan.Endpoints) { Lifetime = null };
        var slow = new SlowStop(rig.Guest, TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(30));

        // Act
        var report = await Run(rig, slow);

        // Assert
        Assert.True(report.WatchdogFired);
        Assert.Equal(HandoffState.Returned, report.State);
        Assert.True(slow.Stopped);
        Assert.True(rig.Journal.IsClean);
        Assert.Empty(rig.Diff);
    }

    [Fact]
    public async Task A_guest_that_does_not_bound_its_stop_is_cut_off_at_the_step_timeout_and_the_journal_stays_not_clean()
    {
        // Arrange: the same slow stop, but the guest does not say how long it may take.
        using var rig = new HandoffRig("EADE3920D9");
        rig.Guest = new(rig.Kernel, rig.Plan.Endpoints) { Lifetime = null };
        var slow = new SlowStop(rig.Guest, TimeSpan.FromMilliseconds(1500), null);

        // Act
        var report = await Run(rig, slow);

        // Assert
        Assert.True(report.WatchdogFired);
        Assert.Equal(HandoffState.NeedsRescue, report.State);
        Assert.Contains(report.Problems, p => p.Contains("start the guest", StringComparison.Ordinal) && p.Contains("failed", StringComparison.Ordinal));
        Assert.False(rig.Journal.IsClean);
    }

    private static Task<HandoffReport> Run(HandoffRig rig, IGuestControl guest)
    {
        var last = rig.Plan.Steps[^1].Index;
        var plan = rig.Plan with { Steps = [.. rig.Plan.Steps.Select(s => s.Index == last ? s with { Timeout = TimeSpan.FromMilliseconds(300) } : s)] };
        var options = new HandoffExecutorOptions { Health = new GuestHealth(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(20), _ => Task.FromResult(false)) };
        return new HandoffExecutor(rig.Kernel.HandoffHost(guest, _ => { }), rig.Journal, options).RunAsync(plan);
    }

    // A guest whose stop takes a while (an ACPI shutdown), and that may say how long at most.
    private sealed class SlowStop(IGuestControl inner, TimeSpan takes, TimeSpan? within) : IGuestControl
    {
        public bool Stopped { get; private set; }

        public TimeSpan? StopWithin => within;

        public Task StartAsync(string guest, CancellationToken cancellationToken = default) => inner.StartAsync(guest, cancellationToken);

        public async Task StopAsync(string guest, CancellationToken cancellationToken = default)
        {
            await Task.Delay(takes, cancellationToken);
            await inner.StopAsync(guest, cancellationToken);
            Stopped = true;
        }

        public Task WaitForExitAsync(CancellationToken cancellationToken = default) => inner.WaitForExitAsync(cancellationToken);
    }
}
