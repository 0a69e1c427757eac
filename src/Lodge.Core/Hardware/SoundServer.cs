namespace Lodge.Core.Hardware;

/// <summary>A sound server a desktop user runs: <c>pipewire</c> (<c>/run/user/UID/pipewire-0</c>) or <c>pulseaudio</c>
/// (<c>/run/user/UID/pulse/native</c>, also served by pipewire-pulse).</summary>
public sealed record SoundServer(string Kind, string Socket);
