namespace Lodge.Core.Hardware;

/// <summary>Which implementation of a tool the host has; today only virtiofsd has two, whose command lines differ.
/// <see cref="Machines.TomlWords.Word(ToolFlavor)"/> is its one word.</summary>
public enum ToolFlavor
{
    /// <summary>The Rust virtiofsd (<c>--socket-path S --shared-dir D</c>).</summary>
    Rust,

    /// <summary>The C virtiofsd that shipped with QEMU up to 7.x (<c>--socket-path=S -o source=D</c>).</summary>
    C,
}
