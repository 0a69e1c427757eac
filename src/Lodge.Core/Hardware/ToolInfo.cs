namespace Lodge.Core.Hardware;

/// <summary>A program found on the host: its path (host view), its version when known, and its flavour.</summary>
/// <param name="Flavor">For virtiofsd: <c>rust</c> or <c>c</c>.</param>
public sealed record ToolInfo(string Path, string? Version, string? Flavor = null);
