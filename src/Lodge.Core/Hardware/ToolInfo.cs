namespace Lodge.Core.Hardware;

/// <summary>A program found on the host: its path (host view), its version when known, and its flavour.</summary>
/// <param name="Flavor">For virtiofsd: Rust or C.</param>
public sealed record ToolInfo(string Path, string? Version, ToolFlavor? Flavor = null);
