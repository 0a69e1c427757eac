using Lodge.Core.Hardware;
using Lodge.Linux.Handoff;
using Lodge.Testing;

namespace Lodge.Linux.Tests.Handoff;

// The /proc/*/fd holder scan over a built tree: DRM, sound and NVIDIA nodes, and display-manager processes.
public sealed class ProcHolderScannerSpecs
{
    private static readonly PciAddress Gpu = PciAddress.Parse("0000:06:00.0");
    private static readonly PciAddress Audio = PciAddress.Parse("0000:06:00.1");

    private static HostTreeBuilder Tree() => new HostTreeBuilder()
        .Dir("/sys/devices/pci0000:00/0000:06:00.0")
        .Dir("/sys/devices/pci0000:00/0000:06:00.1")
        .File("/sys/devices/pci0000:00/0000:06:00.0/vendor", "0x1002\n")
        .Link("/sys/class/drm/card0/device", "../../../devices/pci0000:00/0000:06:00.0")
        .Link("/sys/class/drm/renderD128/device", "../../../devices/pci0000:00/0000:06:00.0")
        .Dir("/sys/class/drm/card0-HDMI-A-1")
        .Link("/sys/class/sound/card1/device", "../../../devices/pci0000:00/0000:06:00.1")
        .Dir("/sys/class/sound/card1/pcmC1D3p")
        .File("/proc/100/comm", "Xorg\n")
        .File("/proc/100/cgroup", "0::/system.slice/gdm.service\n")
        .Link("/proc/100/fd/3", "/dev/dri/card0")
        .File("/proc/200/comm", "firefox\n")
        .File("/proc/200/cgroup", "0::/user.slice/user-1000.slice/session-2.scope\n")
        .Link("/proc/200/fd/9", "/dev/dri/renderD128")
        .Link("/proc/200/fd/10", "/dev/snd/pcmC1D3p")
        .Link("/proc/200/fd/11", "/dev/null")
        .File("/proc/300/comm", "sshd\n")
        .Link("/proc/300/fd/0", "/dev/pts/0");

    [Fact(Timeout = 15000)]
    public async Task I_can_find_every_process_holding_the_GPU_or_its_HDMI_audio_and_which_ones_end_with_the_display_manager()
    {
        // Arrange
        using var tree = Tree();

        // Act
        var holders = await new ProcHolderScanner(tree.Host).ScanAsync([Gpu, Audio]);

        // Assert
        Assert.Equal(
            ["'Xorg' (pid 100) holds '/dev/dri/card0'", "'firefox' (pid 200) holds '/dev/dri/renderD128'", "'firefox' (pid 200) holds '/dev/snd/pcmC1D3p'"],
            holders.Select(h => h.ToString()));
        Assert.True(holders[0].EndsWithDisplayManager);
        Assert.False(holders[1].EndsWithDisplayManager);
        Assert.Equal(Audio, holders[2].Device);
    }

    [Fact(Timeout = 15000)]
    public async Task I_can_scan_for_a_device_nobody_holds_and_get_nothing()
    {
        // Arrange
        using var tree = Tree();

        // Act
        var holders = await new ProcHolderScanner(tree.Host).ScanAsync([PciAddress.Parse("0000:01:00.0")]);

        // Assert
        Assert.Empty(holders);
    }
}
