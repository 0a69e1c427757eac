namespace Lodge.Core.Machines;

/// <summary><c>[macos]</c>: what only a macOS guest needs.</summary>
/// <param name="OpenCore">The OpenCore boot disk the user supplies (Lodge never ships one).</param>
/// <param name="Osk">The Apple SMC key the user supplies; Lodge never ships it and writes a placeholder when it is missing.</param>
public sealed record MacOsConfig(string? OpenCore = null, string? Osk = null);
