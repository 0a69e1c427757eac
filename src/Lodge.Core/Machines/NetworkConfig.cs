namespace Lodge.Core.Machines;

/// <summary><c>[network]</c>: <c>user</c>, <c>bridge:BR</c>, <c>tap:TAP</c> or <c>none</c>.</summary>
public sealed record NetworkConfig(string Mode = "user");
