namespace Lodge.Core.Planning;

/// <summary>The guest's sound card and the host backend behind it.</summary>
/// <param name="Backend">The QEMU audiodev driver: pipewire, pa, jack, or none (no sound card).</param>
/// <param name="Device">hda, usb or gpu-hdmi.</param>
public sealed record AudioPlan(string Backend, string Device)
{
    /// <summary>True when QEMU emulates a sound card.</summary>
    public bool Emulated => Backend != "none" && Device != "gpu-hdmi";
}
