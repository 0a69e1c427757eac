namespace Lodge.Core.Machines;

/// <summary>The one mapping between an enum of the machine file and its TOML word, used everywhere a value is shown or
/// stored (reports, JSON, errors, the state file): <c>GpuMode.GvtG</c> is <c>gvt-g</c>, never <c>gvtg</c>.</summary>
public static class TomlWords
{
    /// <summary>The TOML word of a GPU mode (<c>dedicated</c>, <c>handoff</c>, <c>gvt-g</c>, <c>virtio</c>, <c>none</c>).</summary>
    public static string Word(this GpuMode mode) => MachineParser.GpuModeNames[(int)mode];

    /// <summary>The TOML word of a share protocol (<c>virtiofs</c>, <c>9p</c>, <c>smb</c>).</summary>
    public static string Word(this ShareProtocol protocol) => protocol switch
    {
        ShareProtocol.Virtiofs => "virtiofs",
        ShareProtocol.NineP => "9p",
        ShareProtocol.Smb => "smb",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null),
    };

    /// <summary>The word of a tool flavour (<c>rust</c>, <c>c</c>), as doctor shows it.</summary>
    public static string Word(this Hardware.ToolFlavor flavor) => flavor switch
    {
        Hardware.ToolFlavor.Rust => "rust",
        Hardware.ToolFlavor.C => "c",
        _ => throw new ArgumentOutOfRangeException(nameof(flavor), flavor, null),
    };

    /// <summary>The share protocol of a resolved TOML word (not <c>auto</c>, which the planner resolves first).</summary>
    public static ShareProtocol ParseShareProtocol(string word) => word switch
    {
        "virtiofs" => ShareProtocol.Virtiofs,
        "9p" => ShareProtocol.NineP,
        "smb" => ShareProtocol.Smb,
        _ => throw new ArgumentOutOfRangeException(nameof(word), word, "A share protocol is virtiofs, 9p or smb."),
    };
}
