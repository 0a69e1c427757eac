namespace Lodge.Core.Machines;

/// <summary><c>[audio]</c>.</summary>
/// <param name="Backend"><c>auto</c>, <c>pipewire</c>, <c>pulseaudio</c>, <c>jack</c> or <c>none</c>.</param>
/// <param name="Device"><c>hda</c>, <c>usb</c> or <c>gpu-hdmi</c>.</param>
public sealed record AudioConfig(string Backend = "auto", string Device = "hda");
