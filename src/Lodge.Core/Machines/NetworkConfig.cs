namespace Lodge.Core.Machines;

/// <summary><c>[network]</c>: <c>user</c>, <c>bridge:BR</c>, <c>tap:TAP</c> or <c>none</c>.</summary>
/// <param name="Mode">The network mode.</param>
public sealed record NetworkConfig(NetworkMode Mode)
{
    /// <summary>User networking, the default.</summary>
    public NetworkConfig()
        : this(NetworkMode.User)
    {
    }
}
