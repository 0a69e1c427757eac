namespace Lodge.Core.Hardware;

/// <summary>The user-space programs guests need, as found under the host root.</summary>
public sealed record HostTools
{
    /// <summary>False when the tree holds no /usr at all, so a missing program is unknown rather than absent.</summary>
    public bool Known { get; init; } = true;

    public ToolInfo? Qemu { get; init; }

    /// <summary>What the installed QEMU offers (machine types, CPU properties), or null when it was not asked.</summary>
    public QemuCapabilities? QemuCaps { get; init; }

    public ToolInfo? QemuImg { get; init; }

    public ToolInfo? Swtpm { get; init; }

    public ToolInfo? Virtiofsd { get; init; }

    public ToolInfo? Smbd { get; init; }
}
