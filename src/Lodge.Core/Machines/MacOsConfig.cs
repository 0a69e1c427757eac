namespace Lodge.Core.Machines;

/// <summary><c>[macos]</c>: what only a macOS guest needs.</summary>
/// <param name="OpenCore">The OpenCore boot disk the user supplies (Lodge never ships one).</param>
public sealed record MacOsConfig(string? OpenCore = null);
