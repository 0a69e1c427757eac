using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Handoff;
using Lodge.Linux.Host;

namespace Lodge.Linux.Tests.Handoff;

// lodge rescue and the journal it reads.
public sealed class HandoffRescueSpecs
{
    private static readonly PciAddress Gpu = PciAddress.Parse("0000:06:00.0");

    [Fact(Timeout = 30000)]
    public async Task I_can_rescue_after_the_executor_died_with_the_guest_running_and_a_second_rescue_does_nothing()
    {
        // Arrange: killed right after the guest started.
        using var rig = new HandoffRig("EADE3920D9");
        rig.Guest = new Simulation.SimulatedGuest(rig.Kernel, rig.Plan.Endpoints) { Lifetime = null };
        var abandoned = await rig.RunAsync(new HandoffExecutorOptions { AbandonAfterStep = rig.Plan.Steps.Count });
        Assert.Equal(HandoffState.Abandoned, abandoned.State);
        Assert.Equal("vfio-pci", rig.DriverOf(Gpu));
        Assert.False(rig.Journal.IsClean);

        // Act
        var first = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();
        var log = rig.Kernel.Log.Count;
        var second = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();

        // Assert
        Assert.Equal(rig.Plan.Steps.Count, first.Steps.Count);
        Assert.All(first.Steps, s => Assert.Equal(StepOutcome.Undone, s.Outcome));
        Assert.Equal(1, rig.Guest.Stops);
        Assert.Empty(rig.Diff);
        Assert.True(rig.Journal.IsClean);
        Assert.Empty(second.Steps);
        Assert.Equal(log, rig.Kernel.Log.Count);
    }

    [Fact]
    public async Task I_cannot_rescue_while_another_process_runs_the_handoff_and_nothing_is_touched_until_it_is_gone()
    {
        // Arrange: a handoff left steps applied, and another process (util-linux flock, as a live lodge would) holds the
        // journal's lock. The lab found this: rescue ran beside a live handoff supervisor and undid steps it was taking.
        using var rig = new HandoffRig("EADE3920D9");
        rig.Guest = new Simulation.SimulatedGuest(rig.Kernel, rig.Plan.Endpoints) { Lifetime = null };
        await rig.RunAsync(new HandoffExecutorOptions { AbandonAfterStep = rig.Plan.Steps.Count });
        Assert.False(rig.Journal.IsClean);
        var start = new System.Diagnostics.ProcessStartInfo("flock") { RedirectStandardOutput = true };
        foreach (var a in new[] { "--exclusive", "--no-fork", rig.Journal.LockPath, "sh", "-c", "echo locked; exec sleep 600" })
        {
            start.ArgumentList.Add(a);
        }

        using var holder = System.Diagnostics.Process.Start(start)!;
        Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync());
        var handedOver = rig.Diff;
        Assert.NotEmpty(handedOver);

        // Act
        var refused = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();
        var whileHeld = (Diff: rig.Diff, Stops: rig.Guest.Stops, Clean: rig.Journal.IsClean);
        holder.Kill(entireProcessTree: true);
        await holder.WaitForExitAsync();
        // The kernel drops the lock as the holder's files close; wait for that event, generously.
        for (var tries = 0; tries < 600; tries++)
        {
            using var free = rig.Journal.TryLock();
            if (free is not null)
            {
                break;
            }

            await Task.Delay(100);
        }

        var rescued = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();

        // Assert
        Assert.Empty(refused.Steps);
        Assert.Contains(refused.Problems, p => p.Contains("A handoff is running right now", StringComparison.Ordinal));
        Assert.Equal(HandoffState.NeedsRescue, refused.States[^1]);
        Assert.Equal(handedOver, whileHeld.Diff);
        Assert.Equal(0, whileHeld.Stops);
        Assert.False(whileHeld.Clean);
        Assert.NotEmpty(rescued.Steps);
        Assert.All(rescued.Steps, s => Assert.Equal(StepOutcome.Undone, s.Outcome));
        Assert.Empty(rig.Diff);
        Assert.True(rig.Journal.IsClean);
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_rescue_after_a_kill_between_the_console_unbind_and_the_GPU_unbind_when_the_kernel_ignores_the_console_bind()
    {
        // Arrange: the kernel acts as 6.1 did in lab scenario 03: 'echo 1 > vtconN/bind' is taken and ignored, and fbcon
        // takes the console again only when the GPU's DRM driver binds (registers its framebuffer). Lodge is killed after
        // the console unbind, before the GPU leaves its driver.
        using var rig = new HandoffRig("EADE3920D9", setup: k => k.WithFbconTakeoverOnly(Gpu));
        var unbindGpu = rig.Plan.Steps.First(s => s.Do.Kind == HandoffOperationKind.Unbind);
        Assert.Contains(rig.Plan.Steps.Take(unbindGpu.Index - 1), s => s.Do.Kind == HandoffOperationKind.UnbindVtConsole);
        await rig.RunAsync(new HandoffExecutorOptions { AbandonAfterStep = unbindGpu.Index - 1 });
        Assert.Contains("vtconsole 'vtcon1' was bound, now unbound.", rig.Diff);

        // Act
        var first = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();
        var log = rig.Kernel.Log.Count;
        var second = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();

        // Assert: the console came back through the driver's rebind, checked through the kernel, and only then is the
        // journal clean.
        Assert.Empty(rig.Diff);
        Assert.Equal(HandoffState.Returned, first.States[^1]);
        Assert.True(rig.Journal.IsClean);
        Assert.Contains(rig.Log, l => l.Contains("rebinding '0000:06:00.0'", StringComparison.Ordinal));
        Assert.Empty(second.Steps);
        Assert.Equal(log, rig.Kernel.Log.Count);
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_rescue_while_a_program_lodge_does_not_know_holds_the_GPU_on_vfio_pci_and_the_device_is_wedged_until_it_lets_go()
    {
        // Arrange: killed with the guest running; then a program Lodge does not know (a QEMU started by hand) holds the
        // GPU through vfio-pci, so the unbind from vfio-pci blocks in the kernel (lab scenario 07).
        // The undo that blocks (the unbind from vfio-pci) gets a limit of its own: the first rescue waits it out (the write
        // never returns while the program holds the GPU), the last one needs a write that takes microseconds to fit in it.
        using var rig = new HandoffRig("EADE3920D9");
        rig.Guest = new Simulation.SimulatedGuest(rig.Kernel, rig.Plan.Endpoints) { Lifetime = null };
        var plan = rig.Plan with { Steps = [.. rig.Plan.Steps.Select(s => s.Undo is { Kind: HandoffOperationKind.Unbind, Value: "vfio-pci" } u && u.Target == Gpu.ToString() ? s with { UndoTimeout = TimeSpan.FromSeconds(5) } : s)] };
        await new HandoffExecutor(rig.Host, rig.Journal, new HandoffExecutorOptions { AbandonAfterStep = plan.Steps.Count }).RunAsync(plan);
        var stray = rig.Kernel.Hold(Gpu, "qemu-system-x86 (pid 4242)");

        // Act
        var stuck = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();
        var whileStuck = (Gpu: rig.DriverOf(Gpu), DisplayManager: rig.Kernel.DisplayManagerActive, Clean: rig.Journal.IsClean, Entries: rig.Journal.Read());
        var refused = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();
        stray.Dispose();
        var rescued = await new HandoffRescue(rig.Host with { WriterAlive = (_, _) => false }, rig.Journal).RunAsync();

        // Assert: the first rescue ends, wedges the GPU with its writer, keeps the display manager stopped and says a
        // reboot is needed; while that writer lives nothing is touched; once it is gone the rest is given back.
        Assert.Equal(HandoffState.NeedsRescue, stuck.States[^1]);
        Assert.Null(whileStuck.Gpu); // sysfs shows no driver while vfio-pci's remove() waits (lab 07): not "back"
        Assert.False(whileStuck.DisplayManager);
        Assert.False(whileStuck.Clean);
        Assert.Contains(whileStuck.Entries, e => e.Event == JournalEntry.Wedged && e.Detail == Gpu.ToString() && e.Writer is not null);
        Assert.Contains(stuck.Problems, p => p.Contains("Reboot", StringComparison.Ordinal));
        Assert.Contains(stuck.Problems, p => p.Contains("The display manager was not started", StringComparison.Ordinal));
        Assert.Empty(refused.Steps);
        Assert.Equal(HandoffState.Returned, rescued.States[^1]);
        Assert.Empty(rig.Diff);
        Assert.True(rig.Journal.IsClean);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_rescue_with_no_journal_at_all_and_nothing_happens()
    {
        // Arrange
        using var rig = new HandoffRig("EADE3920D9");

        // Act
        var report = await new HandoffRescue(rig.Host, rig.Journal).RunAsync();

        // Assert
        Assert.Empty(report.Steps);
        Assert.Empty(rig.Kernel.Log);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_read_the_journal_and_see_each_step_begun_with_its_undo_before_it_ran()
    {
        // Arrange: the unbind of the GPU fails.
        using var rig = new HandoffRig("EADE3920D9");
        var unbind = rig.Plan.Steps.Single(s => s.Do.Kind == HandoffOperationKind.Unbind && s.Do.Target == Gpu.ToString());
        rig.Kernel.FailOn(HostAction.Unbind, Gpu.ToString());

        // Act
        await rig.RunAsync();
        var entries = rig.Journal.Read();

        // Assert
        var lines = entries.Select(e => $"{e.Event} {e.Index}").ToList();
        Assert.Equal("plan ", lines[0]);
        var begin = entries.Single(e => e.Event == JournalEntry.Begin && e.Index == unbind.Index);
        Assert.Equal(unbind.Undo, begin.Undo);
        Assert.Equal(unbind.Timeout, begin.Timeout);
        Assert.Equal($"failed {unbind.Index}", lines[lines.IndexOf($"begin {unbind.Index}") + 1]);
        Assert.Equal("clean ", lines[^1]);
        Assert.Equal(unbind.Index - 1, entries.Count(e => e.Event == JournalEntry.Undone));
        Assert.Empty(rig.Diff);
    }

    [Fact(Timeout = 30000)]
    public async Task I_can_try_to_start_a_handoff_over_a_dirty_journal_and_get_told_to_run_rescue()
    {
        // Arrange
        using var rig = new HandoffRig("EADE3920D9");
        await rig.RunAsync(new HandoffExecutorOptions { AbandonAfterStep = 3 });
        var log = rig.Kernel.Log.Count;

        // Act
        var e = await Assert.ThrowsAsync<Core.InvalidStateException>(() => rig.RunAsync());

        // Assert
        Assert.Contains("lodge rescue", e.Hint, StringComparison.Ordinal);
        Assert.Equal(log, rig.Kernel.Log.Count);
    }

    [Fact]
    public void I_can_read_a_journal_whose_last_line_was_torn_by_a_crash()
    {
        // Arrange
        var path = Path.Combine(Directory.CreateTempSubdirectory("lodge-journal-").FullName, "handoff.journal");
        var journal = new HandoffJournal(path);
        journal.Start("win", "0000:06:00.0");
        journal.Append(new JournalEntry(JournalEntry.Begin, 1, "stop the display manager", new HandoffOperation(HandoffOperationKind.StartDisplayManager, "display-manager.service"), TimeSpan.FromSeconds(60)));
        File.AppendAllText(path, "{\"event\":\"do");

        // Act
        var entries = journal.Read();

        // Assert
        Assert.Equal([JournalEntry.Plan, JournalEntry.Begin], entries.Select(e => e.Event));
        Assert.Equal(HandoffOperationKind.StartDisplayManager, entries[1].Undo!.Kind);
        Assert.False(journal.IsClean);
    }
}
