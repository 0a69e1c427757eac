namespace Lodge.Core.Hardware;

/// <summary>What the host's console is drawn with: vtconsoles, framebuffers and the display manager.</summary>
public sealed record DisplayState
{
    public IReadOnlyList<VtConsole> VtConsoles { get; init; } = [];

    public IReadOnlyList<Framebuffer> Framebuffers { get; init; } = [];

    /// <summary>The unit <c>display-manager.service</c> points at (e.g. <c>gdm3.service</c>), or null when none is enabled or unknown.</summary>
    public string? DisplayManager { get; init; }
}
