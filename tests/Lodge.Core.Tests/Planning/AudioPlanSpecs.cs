using Lodge.Core.Hardware;
using Lodge.Core.Machines;
using Lodge.Core.Planning;
using Lodge.Core.Qemu;
using Lodge.Core.Runtime;

namespace Lodge.Core.Tests.Planning;

/// <summary>audio.backend = "auto" follows the sound servers users actually run.</summary>
public sealed class AudioPlanSpecs
{
    private static MachinePlan Plan(HostSnapshot host) =>
        MachinePlanner.Plan(new MachineConfig("snd", "/etc/lodge/machines/snd.toml") { Os = GuestOs.Linux }, host, [], RuntimeLayout.For("snd"));

    private static HostSnapshot Host(params SoundServer[]? servers) => new()
    {
        SoundServers = servers,
        Tools = new HostTools { Qemu = new ToolInfo("/usr/bin/qemu-system-x86_64", "7.2.19") },
    };

    [Fact]
    public void A_headless_host_without_a_sound_server_gives_the_guest_no_sound_card()
    {
        // Act
        var plan = Plan(Host());
        var argv = QemuArgvBuilder.Build(plan);

        // Assert
        Assert.Equal("none", plan.Audio.Backend);
        Assert.DoesNotContain(argv, a => a.StartsWith("pa,", StringComparison.Ordinal));
        Assert.Contains(plan.Decisions, d => d.Topic == "audio" && d.Reason.Contains("/run/user", StringComparison.Ordinal));
    }

    [Fact]
    public void A_users_pulseaudio_socket_is_handed_to_qemu()
    {
        // Act
        var plan = Plan(Host(new SoundServer("pulseaudio", "/run/user/1000/pulse/native")));
        var argv = QemuArgvBuilder.Build(plan);

        // Assert
        Assert.Equal("pa", plan.Audio.Backend);
        Assert.Contains("pa,id=snd0,server=unix:/run/user/1000/pulse/native", argv);
    }

    [Fact]
    public void A_tree_without_run_keeps_the_desktop_default()
    {
        // Act
        var plan = Plan(Host(null));

        // Assert
        Assert.Equal("pa", plan.Audio.Backend);
        Assert.Null(plan.Audio.Server);
    }
}
