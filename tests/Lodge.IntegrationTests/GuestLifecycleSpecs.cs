using System.Text.Json.Nodes;
using Lodge.Linux.Processes;
using Lodge.Testing;

namespace Lodge.IntegrationTests;

/// <summary>up → status → usb attach/detach → down, crashes, stale state, held disks and a folder shared by two guests, all with real QEMU under TCG.</summary>
public sealed class GuestLifecycleSpecs(GuestFixture fixture) : IClassFixture<GuestFixture>
{
    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_start_a_guest_see_its_status_hotplug_usb_and_power_it_off_through_ACPI_with_no_helper_left()
    {
        // Arrange
        var spec = fixture.WriteSpec("life", "virtiofs", fixture.NewShare("life"));

        // Act
        var up = await LodgeCli.RunAsync("up-spec", spec, "--detach");
        await fixture.WaitForGuestAsync("life");
        var status = JsonNode.Parse((await LodgeCli.RunAsync("status", "life", "--json")).StandardOutput)!["guests"]![0]!;
        var attach = await LodgeCli.RunAsync("usb", "attach", "life", "emulated:usb-kbd");
        var withKeyboard = (await LodgeCli.RunAsync("status", "life")).StandardOutput;
        var detach = await LodgeCli.RunAsync("usb", "detach", "life", "emulated:usb-kbd");
        var afterDetach = JsonNode.Parse((await LodgeCli.RunAsync("status", "life", "--json")).StandardOutput)!["guests"]![0]!;
        var down = await LodgeCli.RunAsync("down", "life", "--timeout", "30");

        // Assert
        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        Assert.Equal("running", (string?)status["runState"]);
        Assert.Equal("virtiofsd-share", (string?)status["helpers"]![0]!["name"]);
        Assert.Contains("(virtiofs)", (string?)status["shares"]![0], StringComparison.Ordinal);
        Assert.True(attach.ExitCode == 0, attach.StandardError);
        Assert.Contains("QEMU USB Keyboard", withKeyboard, StringComparison.Ordinal);
        Assert.True(detach.ExitCode == 0, detach.StandardError);
        Assert.Empty(afterDetach["usb"]!.AsArray());
        Assert.True(down.ExitCode == 0, down.StandardOutput + down.StandardError);
        Assert.Contains("powered off", down.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("stopped hard", down.StandardError, StringComparison.Ordinal);
        Assert.Contains("power button pressed", File.ReadAllText(Path.Combine(fixture.Roots.RunDir("life"), "serial.log")), StringComparison.Ordinal);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "life"));
        Assert.False(File.Exists(fixture.Roots.StateFile("life")));
        Assert.Contains("-qmp unix:", File.ReadAllText(Path.Combine(fixture.Roots.RunDir("life"), "qemu.args")), StringComparison.Ordinal);
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_kill_QEMU_under_a_foreground_up_and_get_the_crash_reported_with_its_helpers_gone()
    {
        // Arrange
        var spec = fixture.WriteSpec("crash", "virtiofs", fixture.NewShare("crash"));
        var log = Path.Combine(fixture.Root, "crash-up.log");
        var up = LodgeCli.Start(log, "up-spec", spec);
        await fixture.WaitForGuestAsync("crash", "user space");
        var state = new Lodge.Linux.Runtime.GuestStateStore(fixture.Roots).Read("crash")!;

        // Act
        ProcessTable.Signal(state.Qemu!.Pid, state.Qemu.StartTicks, 9);
        var exit = await up.Exited.WaitAsync(Patience.Event);

        // Assert
        var output = File.ReadAllText(log);
        Assert.Equal(3, exit.ExitCode);
        Assert.Contains("Guest 'crash' crashed: QEMU ended with signal 9 (SIGKILL)", output, StringComparison.Ordinal);
        Assert.Contains("Its helpers were stopped.", output, StringComparison.Ordinal);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "crash"));
        Assert.False(File.Exists(fixture.Roots.StateFile("crash")));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_kill_a_detached_supervisor_and_have_the_next_status_clean_its_stale_state()
    {
        // Arrange
        var spec = fixture.WriteSpec("orphan", "virtiofs", fixture.NewShare("orphan"));
        Assert.Equal(0, (await LodgeCli.RunAsync("up-spec", spec, "--detach")).ExitCode);
        await fixture.WaitForGuestAsync("orphan");
        var state = new Lodge.Linux.Runtime.GuestStateStore(fixture.Roots).Read("orphan")!;

        // Act
        ProcessTable.Signal(state.Supervisor!.Pid, state.Supervisor.StartTicks, 9);
        await Task.Delay(200);
        var status = await LodgeCli.RunAsync("status", "orphan");
        var again = await LodgeCli.RunAsync("status", "orphan");
        var down = await LodgeCli.RunAsync("down", "orphan", "--timeout", "30");

        // Assert
        Assert.Contains($"Cleaned stale state of 'orphan': its supervisor (pid {state.Supervisor.Pid}) was killed", status.StandardOutput.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("Cleaned", again.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("unsupervised", again.StandardOutput, StringComparison.Ordinal);
        Assert.True(down.ExitCode == 0, down.StandardOutput + down.StandardError);
        Assert.Empty(await LodgeProcesses.OfAsync(fixture, "orphan"));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_try_to_start_a_second_guest_on_a_held_disk_and_get_refused_with_the_holder_named()
    {
        // Arrange
        var disk = Path.Combine(fixture.Root, "held.qcow2");
        var first = fixture.WriteSpec("holder", "9p", fixture.NewShare("holder"), disk: disk);
        var second = fixture.WriteSpec("intruder", "9p", fixture.NewShare("intruder"), disk: disk);
        Assert.Equal(0, (await LodgeCli.RunAsync("up-spec", first, "--detach")).ExitCode);
        await fixture.WaitForGuestAsync("holder");

        // Act
        var refused = await LodgeCli.RunAsync("up-spec", second, "--detach");
        var down = await LodgeCli.RunAsync("down", "holder", "--timeout", "30");

        // Assert
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains($"Cannot start 'intruder': its disk '{disk}' is held by guest 'holder'", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, down.ExitCode);
        Assert.True(File.Exists(disk));
    }

    [Fact(Timeout = Patience.TestMilliseconds)]
    public async Task I_can_run_two_guests_on_one_shared_folder_and_each_sees_the_others_file()
    {
        // Arrange
        var shared = fixture.NewShare("common");
        var a = fixture.WriteSpec("left", "virtiofs", shared, peer: "right");
        var b = fixture.WriteSpec("right", "9p", shared, peer: "left");

        // Act
        var upA = await LodgeCli.RunAsync("up-spec", a, "--detach");
        var upB = await LodgeCli.RunAsync("up-spec", b, "--detach");
        await fixture.WaitForGuestAsync("left");
        await fixture.WaitForGuestAsync("right");
        var downA = await LodgeCli.RunAsync("down", "left", "--timeout", "30");
        var downB = await LodgeCli.RunAsync("down", "right", "--timeout", "30");

        // Assert
        Assert.True(upA.ExitCode == 0 && upB.ExitCode == 0, upA.StandardError + upB.StandardError);
        Assert.Contains("share=9p", File.ReadAllText(Path.Combine(shared, "left.saw")), StringComparison.Ordinal);
        Assert.Contains("share=virtiofs", File.ReadAllText(Path.Combine(shared, "right.saw")), StringComparison.Ordinal);
        Assert.Equal(0, downA.ExitCode);
        Assert.Equal(0, downB.ExitCode);
    }
}
