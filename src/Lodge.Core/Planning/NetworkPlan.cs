namespace Lodge.Core.Planning;

/// <summary>The guest's network: user (slirp), a bridge, a tap, or none; with a stable MAC.</summary>
/// <param name="Kind">user, bridge, tap or none.</param>
/// <param name="Interface">The bridge or tap name, else null.</param>
public sealed record NetworkPlan(string Kind, string? Interface, string Mac);
