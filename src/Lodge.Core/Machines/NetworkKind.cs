namespace Lodge.Core.Machines;

/// <summary>How the guest reaches the network; <see cref="NetworkMode.Word"/> is its TOML word.</summary>
public enum NetworkKind
{
    /// <summary>QEMU user networking (slirp): no host setup.</summary>
    User,

    /// <summary>A host bridge, joined through qemu-bridge-helper.</summary>
    Bridge,

    /// <summary>An existing tap device the user set up.</summary>
    Tap,

    /// <summary>No network device at all.</summary>
    None,
}
