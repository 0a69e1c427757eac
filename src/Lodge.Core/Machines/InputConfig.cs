namespace Lodge.Core.Machines;

/// <summary><c>[input]</c>: evdev passthrough of keyboard and mouse.</summary>
/// <param name="Evdev"><c>auto</c>, <c>none</c>, or <c>list</c> when <see cref="Paths"/> names the devices.</param>
/// <param name="Paths">Paths under <c>/dev/input/by-id</c> when the user listed them.</param>
/// <param name="Toggle">The key combination that moves keyboard and mouse between host and guest.</param>
public sealed record InputConfig(string Evdev = "auto", IReadOnlyList<string>? Paths = null, string Toggle = "ctrl-ctrl");
