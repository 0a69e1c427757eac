using Lodge.Core.Hardware;

namespace Lodge.Linux.Sysfs;

/// <summary>Sound servers of logged-in users, which a guest's audio backend connects to.</summary>
public sealed partial class SysfsScanner
{
    // /run/user/1000/pipewire-0 (PipeWire), /run/user/1000/pulse/native (PulseAudio or pipewire-pulse)
    private IReadOnlyList<SoundServer>? ScanSoundServers()
    {
        if (!_root.DirectoryExists("/run"))
        {
            return null;
        }

        var servers = new List<SoundServer>();
        foreach (var uid in _root.ListDirectory("/run/user"))
        {
            if (!uint.TryParse(uid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            if (_root.Exists($"/run/user/{uid}/pipewire-0"))
            {
                servers.Add(new SoundServer("pipewire", $"/run/user/{uid}/pipewire-0"));
            }

            if (_root.Exists($"/run/user/{uid}/pulse/native"))
            {
                servers.Add(new SoundServer("pulseaudio", $"/run/user/{uid}/pulse/native"));
            }
        }

        return servers;
    }
}
