using Lodge.Core.Machines;

namespace Lodge.Core.Planning;

/// <summary>The guest's network: user (slirp), a bridge, a tap, or none; with a stable MAC.</summary>
/// <param name="Mode">The network mode (kind and bridge or tap name).</param>
/// <param name="Mac">The guest's stable MAC.</param>
public sealed record NetworkPlan(NetworkMode Mode, string Mac)
{
    /// <summary>User, bridge, tap or none.</summary>
    public NetworkKind Kind => Mode.Kind;

    /// <summary>The bridge or tap name, else null.</summary>
    public string? Interface => Mode.Interface;
}
