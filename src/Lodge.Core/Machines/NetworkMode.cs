namespace Lodge.Core.Machines;

/// <summary><c>network.mode</c>, typed: <c>user</c>, <c>bridge:BR</c>, <c>tap:TAP</c> or <c>none</c>. <see cref="Parse"/> and
/// <see cref="Word"/> are the one mapping between it and its TOML word.</summary>
/// <param name="Kind">User, bridge, tap or none.</param>
/// <param name="Interface">The bridge or tap name; null for user and none.</param>
public sealed record NetworkMode(NetworkKind Kind, string? Interface = null)
{
    /// <summary>User networking, the default.</summary>
    public static NetworkMode User { get; } = new(NetworkKind.User);

    /// <summary>No network.</summary>
    public static NetworkMode None { get; } = new(NetworkKind.None);

    /// <summary>The host bridge <paramref name="name"/>.</summary>
    /// <param name="name">The bridge's name.</param>
    /// <returns>The mode.</returns>
    public static NetworkMode Bridge(string name) => new(NetworkKind.Bridge, name);

    /// <summary>The tap device <paramref name="name"/>.</summary>
    /// <param name="name">The tap's name.</param>
    /// <returns>The mode.</returns>
    public static NetworkMode Tap(string name) => new(NetworkKind.Tap, name);

    /// <summary>Reads a TOML word; null when it is not a network mode.</summary>
    /// <param name="word">"user", "none", "bridge:BR" or "tap:TAP".</param>
    /// <returns>The mode, or null.</returns>
    public static NetworkMode? Parse(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return word switch
        {
            "user" => User,
            "none" => None,
            _ when word.StartsWith("bridge:", StringComparison.Ordinal) && word.Length > 7 => Bridge(word[7..]),
            _ when word.StartsWith("tap:", StringComparison.Ordinal) && word.Length > 4 => Tap(word[4..]),
            _ => null,
        };
    }

    /// <summary>The kind's own word: "user", "bridge", "tap" or "none".</summary>
    public string KindWord => Kind switch
    {
        NetworkKind.User => "user",
        NetworkKind.Bridge => "bridge",
        NetworkKind.Tap => "tap",
        _ => "none",
    };

    /// <summary>The TOML word: "user", "none", "bridge:BR" or "tap:TAP".</summary>
    /// <returns>The word.</returns>
    public string Word() => Interface is null ? KindWord : $"{KindWord}:{Interface}";

    /// <inheritdoc/>
    public override string ToString() => Word();
}
