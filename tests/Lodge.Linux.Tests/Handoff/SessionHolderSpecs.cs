using Lodge.Core.Handoff;
using Lodge.Core.Hardware;
using Lodge.Linux.Handoff;
using Lodge.Linux.Simulation;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Handoff;

// Issue 13 item 4: holders in user sessions. The scan asks logind (a fake here) which graphical sessions sit on the card's
// seat; after the display manager stops, the check waits (bounded) for the sessions and PipeWire to let go.
public sealed class SessionHolderSpecs
{
    private static readonly PciAddress Gpu = PciAddress.Parse("0000:06:00.0");
    private static readonly PciAddress Audio = PciAddress.Parse("0000:06:00.1");

    private static HostTreeBuilder Tree() => new HostTreeBuilder()
        .Dir("/sys/devices/pci0000:00/0000:06:00.0")
        .Dir("/sys/devices/pci0000:00/0000:06:00.1")
        .File("/sys/devices/pci0000:00/0000:06:00.0/vendor", "0x1002\n")
        .Link("/sys/bus/pci/devices/0000:06:00.0", "../../../devices/pci0000:00/0000:06:00.0")
        .Link("/sys/class/drm/card0/device", "../../../devices/pci0000:00/0000:06:00.0")
        .File("/sys/class/drm/card0/dev", "226:0\n")
        .Link("/sys/class/sound/card1/device", "../../../devices/pci0000:00/0000:06:00.1")
        .Dir("/sys/class/sound/card1/pcmC1D3p")
        .File("/proc/100/comm", "gnome-shell\n")
        .File("/proc/100/cgroup", "0::/user.slice/user-1000.slice/session-2.scope\n")
        .Link("/proc/100/fd/3", "/dev/dri/card0")
        .File("/proc/200/comm", "wireplumber\n")
        .File("/proc/200/cgroup", "0::/user.slice/user-1000.slice/user@1000.service/session.slice/wireplumber.service\n")
        .Link("/proc/200/fd/9", "/dev/snd/pcmC1D3p")
        .File("/proc/300/comm", "rocm-smi\n")
        .File("/proc/300/cgroup", "0::/user.slice/user-1001.slice/session-7.scope\n")
        .Link("/proc/300/fd/4", "/dev/kfd")
        .File("/proc/400/comm", "sshd-session\n")
        .File("/proc/400/cgroup", "0::/user.slice/user-1000.slice/session-9.scope\n")
        .Link("/proc/400/fd/5", "/dev/dri/card0");

    // logind's answer: a GNOME session on seat0 (user 1000), a text login of user 1001, an SSH session of user 1000.
    private static readonly LoginSession[] Sessions =
    [
        new("2", 1000, "seat0", "wayland", "user", "session-2.scope"),
        new("7", 1001, "seat0", "tty", "user", "session-7.scope"),
        new("9", 1000, string.Empty, "tty", "user", "session-9.scope"),
    ];

    [Fact(Timeout = 15000)]
    public async Task I_can_see_a_compositor_and_PipeWire_of_the_seats_graphical_session_end_with_the_display_manager_and_a_ROCm_program_on_dev_kfd_block()
    {
        // Arrange
        using var tree = Tree();

        // Act
        var holders = await new ProcHolderScanner(tree.Host, Sessions).ScanAsync([Gpu, Audio]);

        // Assert
        Assert.Equal(
            ["'gnome-shell' (pid 100) holds '/dev/dri/card0'", "'wireplumber' (pid 200) holds '/dev/snd/pcmC1D3p'", "'rocm-smi' (pid 300) holds '/dev/kfd'", "'sshd-session' (pid 400) holds '/dev/dri/card0'"],
            holders.Select(h => h.ToString()));
        Assert.Equal([true, true, false, false], holders.Select(h => h.EndsWithDisplayManager));
        Assert.Equal(["2", null, null, null], holders.Select(h => h.Session));
        Assert.Equal(Gpu, holders[2].Device);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_scan_without_logind_and_a_user_session_counts_as_a_holder_as_before()
    {
        // Arrange
        using var tree = Tree();

        // Act
        var holders = await new ProcHolderScanner(tree.Host).ScanAsync([Gpu, Audio]);

        // Assert
        Assert.All(holders, h => Assert.False(h.EndsWithDisplayManager));
    }

    [Fact(Timeout = 60000)]
    public async Task I_can_hand_off_while_PipeWire_lets_go_of_the_HDMI_audio_a_second_after_the_display_manager_stopped()
    {
        // Arrange: WirePlumber of the seat's session holds the audio function and releases it a second after the display
        // manager stopped (as it does once its session is no longer active). One look after the stop would refuse.
        PciAddress? audio = null;
        Task? release = null;

        // Act
        var result = await HandoffScenario.RunAsync("EADE3920D9", setup: kernel =>
        {
            audio = kernel.ScanForHandoff().PciDevices.Single(d => d.Address.ToString() == "0000:06:00.1").Address;
            var holder = kernel.Hold(audio.Value, "wireplumber (pid 4242)", endsWithDisplayManager: true);
            release = Task.Run(async () =>
            {
                while (kernel.DisplayManagerActive != false)
                {
                    await Task.Delay(10);
                }

                await Task.Delay(1000);
                holder.Dispose();
            });
        });
        await release!;

        // Assert
        Assert.True(result.Restored, string.Join(" | ", result.Diff));
        var wait = Assert.Single(result.Steps, s => s.Name == "pre-flight: nothing holds the GPU after the display manager stopped");
        Assert.Equal(StepOutcome.Undone, wait.Outcome);
        Assert.True(result.Guest!.DriversAtStart.Count > 0, "the guest started with the GPU");
    }
}
