namespace Lodge.Core.Planning;

/// <summary>The guest's sound card and the host backend behind it.</summary>
/// <param name="Backend">The QEMU audiodev driver: pipewire, pa, jack, or none (no sound card).</param>
/// <param name="Device">hda, usb or gpu-hdmi.</param>
/// <param name="Server">The PulseAudio socket to connect to (QEMU's <c>server=</c>), when a user's server was found.</param>
public sealed record AudioPlan(string Backend, string Device, string? Server = null)
{
    /// <summary>True when QEMU emulates a sound card.</summary>
    public bool Emulated => Backend != "none" && Device != "gpu-hdmi";
}
